package org.satpgateway.ejb.recovery;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.satpgateway.ejb.log.TransferLog;
import org.satpgateway.ejb.identity.GatewayIdentity;
import org.satpgateway.ejb.step.StepService;

/**
 * Fires the sessions' timers. The timers themselves are columns of the session index (they survive a restart);
 * this bean polls for due ones and runs each as a step of its own transaction.
 */
@Singleton
@Startup
public class TimeoutCoordinator {
    private static final Logger LOG = Logger.getLogger(TimeoutCoordinator.class.getName());
    private static final long PERIOD_MILLIS = 250;
    private static final int BATCH = 200;

    @Resource
    private TimerService timers;

    @EJB
    private StepService steps;

    @EJB
    private GatewayIdentity identity;

    @EJB
    private RecoveryCoordinator recovery;

    /** Sessions whose timeout step failed lately: retried with a growing pause, and logged now and then. */
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        timers.createIntervalTimer(2000, PERIOD_MILLIS, new TimerConfig("session timeouts", false));
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void fire() {
        if (identity.identityPending().isPresent() || !recovery.ready()) {
            // nothing is sent signed with a key the counterpart cannot check yet, and no timer runs before start-up
            // recovery has started every unfinished session's recovery
            return;
        }
        List<String> due = steps.dueSessions(BATCH);
        failing.keySet().retainAll(due);
        long now = System.nanoTime();
        for (String sessionId : due) {
            Failing f = failing.get(sessionId);
            if (f != null && now < f.nextAttempt) {
                continue;
            }
            try {
                steps.timeout(sessionId);
                if (f != null) {
                    failing.remove(sessionId);
                    TransferLog.log(LOG, Level.INFO, sessionId, null, () -> "timeout step succeeded after " + f.failures + " failure(s)");
                }
            } catch (RuntimeException e) {
                Failing next = Failing.after(f, now);
                failing.put(sessionId, next);
                if (next.failures == 1 || next.failures % 10 == 0) {
                    TransferLog.log(LOG, Level.WARNING, sessionId, null, () -> "timeout step failed " + next.failures
                            + " time(s) (a ledger or database that is down, say); retried in " + Failing.delaySeconds(next.failures())
                            + " s", e);
                }
            }
        }
    }

    /** A session's run of failed timeout steps, and when to try again (1, 2, 4 ... 60 s after the last failure). */
    private record Failing(int failures, long nextAttempt) {
        static Failing after(Failing before, long now) {
            int n = before == null ? 1 : before.failures + 1;
            return new Failing(n, now + TimeUnit.SECONDS.toNanos(delaySeconds(n)));
        }

        static long delaySeconds(int failures) {
            return Math.min(60, 1L << Math.min(failures - 1, 6));
        }
    }
}
