package org.satpgateway.core.session;

/**
 * What crash recovery decided for one session, why, and the transition that carries it out.
 *
 * @param decision the kind of decision, for status pages and recovery events
 * @param detail where the session resumes or why it rolls back, in words
 */
public record RecoveryPlan(Decision decision, String detail, Transition transition) {

    /** The decisions of protocol.md, Continue or roll back. */
    public enum Decision {
        /** The counterpart lacks this side's last message: send it again. */
        RESEND,
        /** Continue from the step this side owes (a ledger action, then its message). */
        RESUME,
        /** The counterpart owes the next message; wait for it. */
        WAIT,
        /** Past the deadline (or the counterpart lost the session) before the point of no return: undo. */
        ROLL_BACK,
        /** Nothing safe can be decided alone: an operator is alerted. */
        UNKNOWN,
        /** The session had already ended. */
        ENDED,
        /** The recovery exchange is under way; nothing to decide yet. */
        IN_PROGRESS
    }
}
