package org.satpgateway.core.session;

import java.util.Map;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;

/** Maps the field named in a refused order or proposal to the SATP error code of that field. */
final class JobRejections {
    private static final Map<String, SatpError> BY_FIELD = Map.ofEntries(
            Map.entry("digitalAssetId", SatpError.INVALID_ASSET_ID),
            Map.entry("assetProfileId", SatpError.INVALID_ASSET_PROFILE),
            Map.entry("amount", SatpError.INVALID_AMOUNT),
            Map.entry("verifiedOriginatorEntityId", SatpError.INVALID_ORIGINATOR),
            Map.entry("originatorPublicKey", SatpError.INVALID_ORIGINATOR),
            Map.entry("verifiedBeneficiaryEntityId", SatpError.INVALID_BENEFICIARY),
            Map.entry("beneficiaryPublicKey", SatpError.INVALID_BENEFICIARY),
            Map.entry("GatewaySignaturePublicKey", SatpError.INVALID_GATEWAY_KEY),
            Map.entry("signingKey", SatpError.INVALID_GATEWAY_KEY),
            Map.entry("GatewayId", SatpError.INVALID_GATEWAY_ID),
            Map.entry("gatewayId", SatpError.INVALID_GATEWAY_ID),
            Map.entry("NetworkId", SatpError.INVALID_NETWORK_ID),
            Map.entry("networkId", SatpError.INVALID_NETWORK_ID),
            Map.entry("sessionId", SatpError.INVALID_SESSION_ID),
            Map.entry("transferContextId", SatpError.INVALID_CONTEXT_ID));

    private JobRejections() {}

    static Rejection of(String detail) {
        String d = detail == null ? "invalid transfer order" : detail;
        for (Map.Entry<String, SatpError> e : BY_FIELD.entrySet()) {
            if (d.contains(e.getKey())) {
                return Rejection.of(e.getValue(), d);
            }
        }
        return Rejection.of(SatpError.MALFORMED_MESSAGE, d);
    }
}
