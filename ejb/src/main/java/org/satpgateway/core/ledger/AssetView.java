package org.satpgateway.core.ledger;

/** An asset as the reference ledger holds it now. */
public record AssetView(String assetId, String owner, long amount, AssetState state, String lockedBy, String createdBy) {

    /** Where an asset stands on its ledger. */
    public enum AssetState {
        FREE,
        LOCKED,
        BURNED
    }
}
