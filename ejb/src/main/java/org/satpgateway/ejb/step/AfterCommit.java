package org.satpgateway.ejb.step;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** Runs an action once the caller's transaction has committed; never when it rolls back. */
public final class AfterCommit implements Synchronization {
    private final Runnable action;

    private AfterCommit(Runnable action) {
        this.action = action;
    }

    /** Registers {@code action} to run after the current transaction commits. */
    public static void run(TransactionSynchronizationRegistry transactions, Runnable action) {
        transactions.registerInterposedSynchronization(new AfterCommit(action));
    }

    @Override
    public void beforeCompletion() {
        // nothing to do before the commit
    }

    @Override
    public void afterCompletion(int status) {
        if (status == Status.STATUS_COMMITTED) {
            action.run();
        }
    }
}
