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
import org.satpgateway.ejb.step.StepService;

/**
 * Self-healing recovery at start-up: every session the log shows unfinished is rebuilt from its log and recovered
 * with its counterpart (recover-msg), each in a transaction of its own.
 */
@Singleton
@Startup
public class RecoveryCoordinator {
    private static final Logger LOG = Logger.getLogger(RecoveryCoordinator.class.getName());

    @Resource
    private TimerService timers;

    @EJB
    private StepService steps;

    @PostConstruct
    void start() {
        timers.createSingleActionTimer(1000, new TimerConfig("start-up recovery", false));
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void recoverAll() {
        List<String> unfinished = steps.unfinishedSessions();
        if (!unfinished.isEmpty()) {
            LOG.info(() -> "recovering " + unfinished.size() + " unfinished session(s) after start-up");
        }
        for (String sessionId : unfinished) {
            try {
                steps.recover(sessionId, "restart");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recovery of session " + sessionId + " failed to start; its timer will retry", e);
            }
        }
    }
}
