package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 2 (refusal), G2 to G1: the proposal is refused; ends the session. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferReject(Common common, String hashTransferInitClaim, String reasonCode, String reason) implements SatpMessage {
    public TransferReject {
        SatpMessage.typed(common, MessageType.TRANSFER_REJECT);
        Require.sha256Hex(hashTransferInitClaim, "hashTransferInitClaim");
        Require.nonBlank(reasonCode, "reasonCode");
        Require.nonBlank(reason, "reason");
    }
}
