package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 10, G2 to G1: assigned to the beneficiary (step 3.6 done). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AckCommitFinal(Common common, AssertionClaim assignmentAssertionClaim, String assignmentAssertionClaimFormat) implements SatpMessage {
    public AckCommitFinal {
        SatpMessage.typed(common, MessageType.ACK_COMMIT_FINAL);
        Require.present(assignmentAssertionClaim, "assignmentAssertionClaim");
        Require.nonBlank(assignmentAssertionClaimFormat, "assignmentAssertionClaimFormat");
    }
}
