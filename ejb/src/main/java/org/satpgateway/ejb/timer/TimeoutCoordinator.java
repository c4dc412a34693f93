package org.satpgateway.ejb.timer;

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
import java.util.logging.Level;
import java.util.logging.Logger;
import org.satpgateway.ejb.config.GatewayContext;
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
    private GatewayContext gateway;

    @EJB
    private RecoveryCoordinator recovery;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(2000, PERIOD_MILLIS, new TimerConfig("session timeouts", false));
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void fire() {
        if (gateway.identityPending().isPresent() || !recovery.ready()) {
            // nothing is sent signed with a key the counterpart cannot check yet, and no timer runs before start-up
            // recovery has started every unfinished session's recovery
            return;
        }
        List<String> due = steps.dueSessions(BATCH);
        for (String sessionId : due) {
            try {
                steps.timeout(sessionId);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "timeout step of session " + sessionId + " failed; it will be retried", e);
            }
        }
    }
}
