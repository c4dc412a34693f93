package org.satpgateway.core.message;

/**
 * A gateway's assertion that a ledger action happened: the ledger's receipt, a proof a third party can check
 * (for the reference ledger, its signed record of the action) and the asserting gateway's signature over both
 * (a detached JWS over the JCS bytes of {@code {"proof":..,"receipt":..}}).
 */
public record AssertionClaim(String receipt, String proof, String signature) {
    public AssertionClaim {
        Require.nonBlank(receipt, "claim.receipt");
        Require.nonBlank(proof, "claim.proof");
        Require.nonBlank(signature, "claim.signature");
    }
}
