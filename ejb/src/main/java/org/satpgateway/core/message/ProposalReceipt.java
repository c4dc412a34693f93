package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 2, G2 to G1: the proposal is accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProposalReceipt(Common common, String hashTransferInitClaim) implements SatpMessage {
    public ProposalReceipt {
        SatpMessage.typed(common, MessageType.PROPOSAL_RECEIPT);
        Require.sha256Hex(hashTransferInitClaim, "hashTransferInitClaim");
    }
}
