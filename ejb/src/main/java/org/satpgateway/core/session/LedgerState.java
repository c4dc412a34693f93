package org.satpgateway.core.session;

/**
 * What the log says of one ledger action of a session: intended, submitted to a ledger that makes it final later
 * (with the reference that finds it again), done (with its receipt), or failed.
 */
public record LedgerState(Phase phase, String receipt, String proof, String errorCode, String reason, String reference) {

    public enum Phase {
        INITIATED,
        SUBMITTED,
        DONE,
        FAILED
    }

    static LedgerState initiated() {
        return new LedgerState(Phase.INITIATED, null, null, null, null, null);
    }

    static LedgerState submitted(String reference) {
        return new LedgerState(Phase.SUBMITTED, null, null, null, null, reference);
    }

    static LedgerState done(String receipt, String proof) {
        return new LedgerState(Phase.DONE, receipt, proof, null, null, null);
    }

    static LedgerState failed(String errorCode, String reason) {
        return new LedgerState(Phase.FAILED, null, null, errorCode, reason, null);
    }

    /** Asked for and not final yet (intended, or submitted and waiting for the ledger): performing it again asks. */
    public boolean isOpen() {
        return phase == Phase.INITIATED || phase == Phase.SUBMITTED;
    }

    public boolean isDone() {
        return phase == Phase.DONE;
    }
}
