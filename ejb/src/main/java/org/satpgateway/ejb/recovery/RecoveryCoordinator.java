package org.satpgateway.ejb.recovery;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.satpgateway.ejb.log.TransferLog;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.identity.GatewayIdentity;
import org.satpgateway.ejb.step.StepService;

/**
 * Self-healing recovery at start-up, before the gateway takes new jobs:
 * <ol>
 * <li>wait until this gateway's signing key is certified (after a key loss without the CA at hand, an operator
 * installs the certificate);</li>
 * <li>wait until the transaction manager has resolved the log database's in-doubt branches (a crash between prepare
 * and commit leaves them, with their row locks);</li>
 * <li>rebuild every session the log shows unfinished and start recovery with its counterpart (recover-msg), each in a
 * transaction of its own;</li>
 * <li>then declare the gateway ready: jobs are taken and {@code /health/ready} is up.</li>
 * </ol>
 * Afterwards the sessions' persistent timers resend, recover and roll back on schedule.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class RecoveryCoordinator {
    private static final Logger LOG = Logger.getLogger(RecoveryCoordinator.class.getName());
    private static final Duration IN_DOUBT_WAIT = Duration.ofSeconds(120);
    private static final Duration IDENTITY_POLL = Duration.ofSeconds(5);

    @Resource
    private TimerService timers;

    @EJB
    private StepService steps;

    @EJB
    private InDoubtBranches inDoubt;

    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayIdentity identity;

    private volatile boolean ready;
    private final CountDownLatch recovered = new CountDownLatch(1);
    private volatile String state = "waiting for start-up recovery";

    @PostConstruct
    void start() {
        timers.createSingleActionTimer(500, new TimerConfig("start-up recovery", false));
    }

    /** True once start-up recovery has run: the gateway takes jobs. */
    public boolean ready() {
        return ready;
    }

    /**
     * Waits until start-up recovery has run, at most {@code timeout}; true when it has. Inbound steps wait for it, so
     * that nothing is signed with a key the counterpart has not been told of, and no session moves before its
     * recovery starts.
     */
    public boolean awaitReady(Duration timeout) {
        try {
            return recovered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What start-up recovery is doing, for the readiness check. */
    public String state() {
        return state;
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void recoverAll() {
        Optional<String> pending = identity.identityPending();
        if (pending.isPresent()) {
            // recover-msg would announce a key the counterpart cannot check yet; look again in a while
            state = pending.get();
            timers.createSingleActionTimer(IDENTITY_POLL.toMillis(), new TimerConfig("start-up recovery", false));
            return;
        }
        long t0 = System.nanoTime();
        boolean resolved = awaitInDoubtResolved();
        if (!resolved && config.settings().commitInDoubt()) {
            resolved = commitInDoubt();
        }
        List<String> unfinished = steps.unfinishedSessions();
        if (!resolved) {
            nameBlockedSessions(unfinished);
        }
        state = "recovering " + unfinished.size() + " unfinished session(s)";
        LOG.info(() -> "start-up recovery: " + unfinished.size() + " unfinished session(s)");
        int started = 0;
        for (String sessionId : unfinished) {
            try {
                steps.recover(sessionId, "restart");
                started++;
            } catch (RuntimeException e) {
                TransferLog.log(LOG, Level.WARNING, sessionId, null, () -> "recovery failed to start; its timer will retry", e);
            }
        }
        try {
            steps.announceKey("this gateway's signing key changed");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not announce this gateway's key on its latest session; the next start tries again", e);
        }
        int n = started;
        state = "ready";
        ready = true;
        recovered.countDown();
        LOG.info(() -> "start-up recovery done in " + (System.nanoTime() - t0) / 1_000_000 + " ms: recover-msg sent for "
                + n + " of " + unfinished.size() + " session(s); taking jobs");
    }

    /**
     * The transaction manager left branches of the log in doubt: the gateway commits them itself, the decision that
     * is safe for its steps ({@link InDoubtBranches#commitAll}), and logs each. True when none is left.
     */
    private boolean commitInDoubt() {
        try {
            List<String> committed = inDoubt.commitAll();
            int left = inDoubt.count();
            LOG.severe(() -> "the transaction manager did not resolve the log database's XA branches in doubt within "
                    + IN_DOUBT_WAIT + "; the gateway committed " + committed.size() + " of them (its log may now be ahead"
                    + " of the broker, which the sessions' resends and duplicate rules recover from): " + committed
                    + (left > 0 ? "; " + left + " still in doubt" : ""));
            return left == 0;
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "could not commit the log database's XA branches in doubt", e);
            return false;
        }
    }

    /**
     * Tells the operator which unfinished sessions a branch left in doubt blocks (their row is locked while no step
     * runs). Their steps fail on the lock and are retried with back-off; every other session goes on.
     */
    private void nameBlockedSessions(List<String> unfinished) {
        try {
            List<String> blocked = inDoubt.blocked(unfinished);
            if (blocked.isEmpty()) {
                LOG.warning(() -> "no unfinished session's row is locked by the branches in doubt; going on");
            } else {
                LOG.severe(() -> "sessions blocked by XA branches in doubt (their steps fail on the row lock until the"
                        + " branches are resolved; every other session goes on): " + blocked);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot tell which sessions the branches in doubt block", e);
        }
    }

    /** Waits until no branch of the log is in doubt, at most {@link #IN_DOUBT_WAIT}; false when some still are. */
    private boolean awaitInDoubtResolved() {
        long deadline = System.nanoTime() + IN_DOUBT_WAIT.toNanos();
        while (true) {
            int n;
            try {
                n = inDoubt.count();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot tell whether XA branches are in doubt; going on", e);
                return true;
            }
            if (n <= 0) {
                return true;
            }
            state = n + " XA branch(es) of the log in doubt, waiting for the transaction manager";
            if (System.nanoTime() > deadline) {
                LOG.severe(() -> n + " XA branch(es) of the log database are still in doubt after " + IN_DOUBT_WAIT
                        + ": steps of their sessions wait on their row locks. Run 'asadmin recover-transactions' or restart"
                        + " the gateway (recovery of in-doubt transactions runs at start-up).");
                return false;
            }
            LOG.info(() -> n + " XA branch(es) of the log database in doubt; waiting for the transaction manager");
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
