package org.satpgateway.core.ledger;

/** The ledger could not be reached or refused to commit; the action may be retried with the same key. */
public final class LedgerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
