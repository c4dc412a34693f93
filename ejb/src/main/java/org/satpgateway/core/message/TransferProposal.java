package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 1, G1 to G2: the transfer proposal. {@code maxTimeout} is in milliseconds from the proposal's timestamp: the transfer's deadline, known to both gateways. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferProposal(Common common, TransferInitClaim transferInitClaim, NetworkCapabilities gatewayAndNetworkCapabilities, int maxRetries, long maxTimeout) implements SatpMessage {
    /** The longest deadline a transfer may have: 30 days. */
    public static final long MAX_TIMEOUT_MILLIS = 30L * 24 * 3600 * 1000;
    public TransferProposal {
        SatpMessage.typed(common, MessageType.TRANSFER_PROPOSAL);
        Require.present(transferInitClaim, "transferInitClaim");
        Require.present(gatewayAndNetworkCapabilities, "gatewayAndNetworkCapabilities");
        if (maxRetries < 0 || maxRetries > 100) {
            throw new IllegalArgumentException("maxRetries must be between 0 and 100");
        }
        if (maxTimeout <= 0 || maxTimeout > MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException("maxTimeout must be between 1 ms and 30 days");
        }
    }
}
