package org.satpgateway.core.session;

/** What the log says of one ledger action of a session: intended, done (with its receipt), or failed. */
public record LedgerState(Phase phase, String receipt, String proof, String errorCode, String reason) {

    public enum Phase {
        INITIATED,
        DONE,
        FAILED
    }

    static LedgerState initiated() {
        return new LedgerState(Phase.INITIATED, null, null, null, null);
    }

    static LedgerState done(String receipt, String proof) {
        return new LedgerState(Phase.DONE, receipt, proof, null, null);
    }

    static LedgerState failed(String errorCode, String reason) {
        return new LedgerState(Phase.FAILED, null, null, errorCode, reason);
    }

    public boolean isDone() {
        return phase == Phase.DONE;
    }
}
