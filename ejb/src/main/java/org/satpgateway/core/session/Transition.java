package org.satpgateway.core.session;

import java.util.List;
import org.satpgateway.core.Rejection;

/** The result of feeding one input to a state machine: a new session and effects, or a rejection. */
public sealed interface Transition {

    /** Accepted: the new session (equal to the old one when nothing was logged) and the effects to carry out. */
    record Accepted(Session session, List<Effect> effects) implements Transition {
        public Accepted {
            effects = List.copyOf(effects);
        }

        /** The log entries this transition appends. */
        public List<org.satpgateway.core.log.LogEntry> entries() {
            return effects.stream()
                    .filter(Effect.AppendLog.class::isInstance)
                    .flatMap(e -> ((Effect.AppendLog) e).entries().stream())
                    .toList();
        }
    }

    /** Refused: the session is unchanged; the error goes back to the sender. */
    record Rejected(Rejection rejection) implements Transition {}
}
