package org.satpgateway.core.ledger;

/** An asset as the reference ledger holds it now. */
public record AssetView(String assetId, String owner, long amount, AssetState state, String lockedBy, String createdBy) {

    /**
     * Why an asset found as {@code found} cannot be transferred as a job says (no such asset, not the owner's, another
     * amount, not free), in the words of {@link LedgerConnector#transferable}; empty when it can.
     */
    public static java.util.Optional<org.satpgateway.core.Rejection> refusal(java.util.Optional<AssetView> found,
            String assetId, String owner, long amount, String network) {
        if (found.isEmpty() || !found.get().owner().equals(owner) || found.get().amount() != amount) {
            return java.util.Optional.of(org.satpgateway.core.Rejection.of(org.satpgateway.core.SatpError.ASSET_NOT_FOUND,
                    "no asset " + assetId + " of " + amount + " held by " + owner + " on " + network));
        }
        if (found.get().state() != AssetState.FREE) {
            return java.util.Optional.of(org.satpgateway.core.Rejection.of(
                    org.satpgateway.core.SatpError.ASSET_ALREADY_LOCKED, "asset " + assetId + " is "
                            + found.get().state().name().toLowerCase(java.util.Locale.ROOT) + " on " + network));
        }
        return java.util.Optional.empty();
    }

    /** Where an asset stands on its ledger. */
    public enum AssetState {
        FREE,
        LOCKED,
        BURNED
    }
}
