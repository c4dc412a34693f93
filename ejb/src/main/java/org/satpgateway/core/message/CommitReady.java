package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 8, G2 to G1: minted on the recipient ledger, held by G2 (step 3.2 done). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommitReady(Common common, AssertionClaim mintAssertionClaim, String mintAssertionClaimFormat) implements SatpMessage {
    public CommitReady {
        SatpMessage.typed(common, MessageType.COMMIT_READY);
        Require.present(mintAssertionClaim, "mintAssertionClaim");
        Require.nonBlank(mintAssertionClaimFormat, "mintAssertionClaimFormat");
    }
}
