package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 11, G1 to G2: the transfer is complete; closes the session on both sides. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferComplete(Common common, String hashTransferCommence) implements SatpMessage {
    public TransferComplete {
        SatpMessage.typed(common, MessageType.TRANSFER_COMPLETE);
        Require.sha256Hex(hashTransferCommence, "hashTransferCommence");
    }
}
