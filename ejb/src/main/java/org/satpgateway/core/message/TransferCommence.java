package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 3, G1 to G2: start the transfer of the accepted proposal. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferCommence(Common common, String hashTransferInitClaim) implements SatpMessage {
    public TransferCommence {
        SatpMessage.typed(common, MessageType.TRANSFER_COMMENCE);
        Require.sha256Hex(hashTransferInitClaim, "hashTransferInitClaim");
    }
}
