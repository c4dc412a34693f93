package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 1, G1 to G2: the transfer proposal. {@code maxTimeout} is in milliseconds from the proposal's timestamp: the transfer's deadline, known to both gateways. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferProposal(Common common, TransferInitClaim transferInitClaim, NetworkCapabilities gatewayAndNetworkCapabilities, int maxRetries, long maxTimeout) implements SatpMessage {
    public TransferProposal {
        SatpMessage.typed(common, MessageType.TRANSFER_PROPOSAL);
        Require.present(transferInitClaim, "transferInitClaim");
        Require.present(gatewayAndNetworkCapabilities, "gatewayAndNetworkCapabilities");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
        if (maxTimeout <= 0) {
            throw new IllegalArgumentException("maxTimeout must be positive");
        }
    }
}
