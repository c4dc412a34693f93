package org.satpgateway.core.ledger;

import java.util.Optional;

/**
 * The port to an organisation's ledger. Implementations talk to a real ledger (or the reference ledger); the core
 * only decides which action to take.
 *
 * <p>Promise: {@link #perform} is idempotent by {@link LedgerRequest#idempotencyKey()}; when it returns
 * {@link LedgerResult.Done}, the action is durable on the ledger, and performing the same request again returns the
 * same result without acting twice. The undo actions (UNLOCK, and EXTINGUISH of what the session created) succeed
 * without effect when the action they undo never happened: a gateway that crashed after logging its intent cannot
 * know whether the ledger acted, and must be able to undo either way. {@link #query} tells what the ledger knows of a key without acting, so recovery
 * can ask before it redoes.
 */
public interface LedgerConnector {
    LedgerResult perform(LedgerRequest request);

    Optional<LedgerResult> query(String idempotencyKey);
}
