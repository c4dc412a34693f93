package org.satpgateway.core.session;

/** Where a session stands as a whole. Derived from the log, never stored apart from it. */
public enum Status {
    ACTIVE(false),
    ROLLING_BACK(false),
    COMPLETED(true),
    ROLLED_BACK(true),
    ABORTED(true),
    REJECTED(true);

    private final boolean terminal;

    Status(boolean terminal) {
        this.terminal = terminal;
    }

    /** True when nothing more happens in the session. */
    public boolean terminal() {
        return terminal;
    }
}
