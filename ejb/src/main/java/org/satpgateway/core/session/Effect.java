package org.satpgateway.core.session;

import java.time.Instant;
import java.util.List;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.log.LogEntry;

/**
 * What a transition asks the outside world to do, as data. The runtime carries out a transition's effects in order,
 * inside the step's transaction: the log entries first, then the rest.
 */
public sealed interface Effect {

    /** Append these entries to the session's log (one commit with the step's other effects). */
    record AppendLog(List<LogEntry> entries) implements Effect {
        public AppendLog {
            entries = List.copyOf(entries);
        }
    }

    /** Send this message to the counterpart gateway. */
    record Send(SignedMessage message) implements Effect {}

    /** Perform this idempotent ledger action and feed its result back to the state machine. */
    record PerformLedgerAction(LedgerRequest request) implements Effect {}

    /** Call the state machine's {@code onTimeout} at {@code at} with this attempt number, unless cancelled. */
    record ArmTimeout(Instant at, int attempt) implements Effect {}

    /** Cancel the session's armed timeout. */
    record CancelTimeout() implements Effect {}

    /**
     * Start crash recovery with the counterpart (a silent counterpart after the retries); pass {@code attempt} on
     * to {@code RecoveryPlanner.start} so that the back-off keeps growing.
     */
    record StartRecovery(String reason, int attempt) implements Effect {}

    /** Tell an operator: the session needs a person (the log holds the alert too). */
    record Alert(String reason) implements Effect {}

    /** The session ended with this status. */
    record Finish(Status outcome) implements Effect {}
}
