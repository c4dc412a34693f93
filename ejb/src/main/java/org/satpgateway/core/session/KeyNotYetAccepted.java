package org.satpgateway.core.session;

/**
 * A step would sign a protocol message with a key that this gateway has announced in the session's recover-msg and
 * that the counterpart has not accepted yet (no recover-update-msg answered the announcement). The counterpart would
 * refuse the message at its door, and the log would keep a message that no one took: the step must wait until the
 * recovery exchange has run. Only the recovery messages themselves (and error-msg) may be signed meanwhile. Nothing
 * of the step is kept; the caller tries again later (the broker redelivers, the timer fires again).
 */
public final class KeyNotYetAccepted extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public KeyNotYetAccepted(String sessionId, String type) {
        super("session " + sessionId + ": " + type + " waits until the counterpart has accepted this gateway's new key"
                + " (the recover-msg that announced it is not answered yet)");
    }
}
