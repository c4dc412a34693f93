package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 9, G1 to G2: burned on the source ledger (step 3.4 done, the point of no return). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommitFinal(Common common, AssertionClaim burnAssertionClaim, String burnAssertionClaimFormat) implements SatpMessage {
    public CommitFinal {
        SatpMessage.typed(common, MessageType.COMMIT_FINAL);
        Require.present(burnAssertionClaim, "burnAssertionClaim");
        Require.nonBlank(burnAssertionClaimFormat, "burnAssertionClaimFormat");
    }
}
