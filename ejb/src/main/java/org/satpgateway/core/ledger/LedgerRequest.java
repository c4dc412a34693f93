package org.satpgateway.core.ledger;

import java.util.Objects;

/**
 * One ledger action to perform, with everything the ledger needs and its idempotency key.
 *
 * @param owner for CREATE, the holder of the minted asset (G2 itself); for ASSIGN, the beneficiary; otherwise the
 *     asset's current owner
 */
public record LedgerRequest(LedgerAction action, String sessionId, String assetId, long amount, String owner) {
    public LedgerRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(assetId, "assetId");
        Objects.requireNonNull(owner, "owner");
    }

    public String idempotencyKey() {
        return action.key(sessionId);
    }
}
