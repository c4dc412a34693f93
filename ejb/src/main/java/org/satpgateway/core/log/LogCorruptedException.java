package org.satpgateway.core.log;

/** A session's log cannot be replayed: a broken entry chain, an unreadable entry, or an entry out of place. */
public final class LogCorruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogCorruptedException(String message) {
        super(message);
    }
}
