package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 5, G1 to G2: the asset is locked on the source ledger (step 2.1 done). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockAssert(Common common, AssertionClaim lockAssertionClaim, String lockAssertionClaimFormat, String lockAssertionExpiration) implements SatpMessage {
    public LockAssert {
        SatpMessage.typed(common, MessageType.LOCK_ASSERT);
        Require.present(lockAssertionClaim, "lockAssertionClaim");
        Require.nonBlank(lockAssertionClaimFormat, "lockAssertionClaimFormat");
        Require.timestamp(lockAssertionExpiration, "lockAssertionExpiration");
    }
}
