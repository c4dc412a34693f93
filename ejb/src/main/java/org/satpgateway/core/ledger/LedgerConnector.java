package org.satpgateway.core.ledger;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port to an organisation's ledger. Implementations talk to a real ledger (or the reference ledger); the core
 * only decides which action to take.
 *
 * <p>Promise: {@link #perform} is idempotent by {@link LedgerRequest#idempotencyKey()}; when it returns
 * {@link LedgerResult.Done}, the action is durable on the ledger, and performing the same request again returns the
 * same result without acting twice. The ledger commits on its own, outside the gateway's step transaction, so it may
 * know of an action the gateway's log does not: {@link #query} and {@link #recorded} tell what the ledger holds
 * without acting, and the gateway asks before every decision that depends on it.
 *
 * <p>Undo actions (UNLOCK, and EXTINGUISH of what the session created) succeed without effect when what they undo
 * never happened, and <b>fail</b> when the ledger's state contradicts the undo: unlocking an asset the session burned,
 * or destroying an asset the session created and then assigned to its beneficiary. An undo is never a success over
 * an asset that is no longer the session's to undo.
 */
public interface LedgerConnector extends AutoCloseable {
    /**
     * Performs the action, or finds it performed or submitted already under its key. A ledger that makes actions
     * final at once answers Done or Failed; a chain that confirms later answers {@link LedgerResult.Pending} until
     * the action is final, and the gateway asks again with the same request (it holds no transaction meanwhile).
     * Throws {@link LedgerUnavailableException} when the ledger cannot be reached; the gateway retries.
     */
    LedgerResult perform(LedgerRequest request);

    /**
     * What the ledger knows of the action, without acting: its final result (Done or Failed), or
     * {@link LedgerResult.Pending} when it was submitted (it may already have taken effect) and is not final yet;
     * empty when the ledger never saw it. A submitted action counts as started: a rollback undoes it, and nothing
     * goes back behind it.
     */
    Optional<LedgerResult> query(String idempotencyKey);

    // ---- the query interface people and tests use to check the ledger from outside ------------------------------

    /** The asset as the ledger holds it now. */
    Optional<AssetView> asset(String assetId);

    /** Every action done on an asset, oldest first. */
    List<LedgerRecord> history(String assetId);

    /** The amount of every asset that is not burned. */
    long totalSupply();

    /**
     * Puts a new asset on the ledger, held by {@code owner} (the embedded default and tests, with
     * {@code gateway.ledger.issuing=true}). A ledger whose assets come from elsewhere refuses.
     */
    default void issue(String assetId, String owner, long amount) {
        throw new UnsupportedOperationException("this ledger connector does not issue assets");
    }

    /** The most a ledger may hold in total, so that the sum of two ledgers' supplies never overflows a long. */
    long MAX_SUPPLY = 1L << 60;

    /** Releases the connector's connections and threads. */
    @Override
    default void close() {}

    /**
     * Before a session is opened for a job: why the asset cannot be transferred as the job says (no such asset, not
     * the originator's, another amount, not free), if the ledger can tell at once. Only a first check, so that a job
     * that cannot succeed opens nothing on either gateway; the lock itself decides. The default cannot tell.
     */
    default Optional<org.satpgateway.core.Rejection> transferable(String assetId, String owner, long amount) {
        return Optional.empty();
    }

    /**
     * Every action the ledger knows for a session, by action, as {@link #query} tells it: what a step asks before it
     * decides. An action absent from the map never reached this ledger. The default asks {@link #query} for each action; a connector that
     * can answer in one round trip should.
     */
    default Map<LedgerAction, LedgerResult> recorded(String sessionId) {
        Map<LedgerAction, LedgerResult> found = new EnumMap<>(LedgerAction.class);
        for (LedgerAction action : LedgerAction.values()) {
            query(action.key(sessionId)).ifPresent(r -> found.put(action, r));
        }
        return found;
    }
}
