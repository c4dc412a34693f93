package org.satpgateway.ejb.console;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.satpgateway.ejb.log.OperatorActionEntity;
import org.satpgateway.ejb.log.TransferLog;
import org.satpgateway.ejb.outbound.JmsChannel;
import org.satpgateway.ejb.step.AfterCommit;
import org.satpgateway.ejb.step.StepService;

/**
 * What an operator may do to a running gateway, whichever interface they use (the admin API and page, or the
 * MBeans): pause and resume intake, retry a stuck session, force the deadline's rollback where the protocol allows
 * it, re-drive dead letters. Each action is recorded with who did it, through which interface, and what came of it,
 * in the same transaction as its effect (a refusal is recorded too), and logged on the audit logger.
 */
@Stateless
public class OperatorConsole {
    private static final Logger AUDIT = Logger.getLogger("org.satpgateway.audit");

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    @Resource
    private TransactionSynchronizationRegistry transactions;

    @EJB
    private IntakeGate gate;

    @EJB
    private StepService steps;

    @EJB
    private DeadLetters deadLetters;

    @EJB
    private JmsChannel jms;

    /** Who acts and through what: the caller's authenticated name and {@code api} or {@code jmx}. */
    public record Operator(String name, String via) {
        public Operator {
            name = name == null || name.isBlank() ? "unknown" : name;
        }
    }

    /** Pauses intake of back-office jobs; pausing a paused gateway changes nothing. */
    public IntakeGate.State pauseIntake(Operator who) {
        IntakeGate.State now = gate.state();
        if (now.paused()) {
            return now;
        }
        Instant at = Clock.systemUTC().instant();
        record(who, IntakeGate.PAUSE, null, "done", "REST jobs are answered 503 and JMS jobs wait in the broker until"
                + " intake is resumed");
        // the broker holds the jobs queue's messages (kept paused across a broker restart) with this transaction
        jms.manage("queue." + JmsChannel.JOBS, "pause", "[true]");
        IntakeGate.State paused = new IntakeGate.State(true, who.name(), at);
        AtomicReference<IntakeGate.State> current = gate.current();
        AfterCommit.run(transactions, () -> current.set(paused));
        return paused;
    }

    /** Resumes intake; resuming a running gateway changes nothing. */
    public IntakeGate.State resumeIntake(Operator who) {
        if (!gate.state().paused()) {
            return gate.state();
        }
        record(who, IntakeGate.RESUME, null, "done", "jobs are taken again");
        jms.manage("queue." + JmsChannel.JOBS, "resume", "[]");
        AtomicReference<IntakeGate.State> current = gate.current();
        AfterCommit.run(transactions, () -> current.set(IntakeGate.State.RUNNING));
        return IntakeGate.State.RUNNING;
    }

    /** Retries a stuck session ({@link StepService#retry}). */
    public StepService.OperatorOutcome retry(String sessionId, Operator who) {
        StepService.OperatorOutcome o = steps.retry(sessionId, who.name() + " (" + who.via() + ")");
        if (o.found()) {
            record(who, "retry-session", sessionId, o.done() ? "done" : "refused", o.detail());
        }
        return o;
    }

    /** Forces the deadline's rollback of a session where the protocol allows it ({@link StepService#forceRollback}). */
    public StepService.OperatorOutcome forceRollback(String sessionId, Operator who) {
        StepService.OperatorOutcome o = steps.forceRollback(sessionId, who.name() + " (" + who.via() + ")");
        if (o.found()) {
            record(who, "force-rollback", sessionId, o.done() ? "done" : "refused", o.detail());
        }
        return o;
    }

    /** Re-drives the dead letters of unfinished sessions ({@link DeadLetters#redrive}). */
    public DeadLetters.Redrive redriveDeadLetters(Operator who) {
        DeadLetters.Redrive r = deadLetters.redrive();
        record(who, "redrive-dead-letters", null, "done", r.detail());
        for (String session : r.sessions()) {
            record(who, "redrive-dead-letters", session, "done", "this session's dead letters went back to their queue");
        }
        return r;
    }

    /** The recorded actions on one session (null: on the gateway as a whole and every session), newest first. */
    public List<OperatorActionEntity> actions(String sessionId, int limit) {
        var q = sessionId == null
                ? em.createQuery("SELECT a FROM OperatorActionEntity a ORDER BY a.atMillis DESC", OperatorActionEntity.class)
                : em.createQuery("SELECT a FROM OperatorActionEntity a WHERE a.sessionId = :s ORDER BY a.atMillis DESC",
                        OperatorActionEntity.class).setParameter("s", sessionId);
        return q.setMaxResults(limit).getResultList();
    }

    private void record(Operator who, String action, String sessionId, String outcome, String detail) {
        em.persist(new OperatorActionEntity(System.currentTimeMillis(), who.name(), who.via(), action, sessionId, outcome,
                detail));
        if (sessionId != null) {
            TransferLog.log(AUDIT, Level.INFO, sessionId, null, () -> "operator " + who.name() + " (" + who.via() + "): "
                    + action + ": " + outcome + (detail == null ? "" : " (" + detail + ")"));
        } else {
            AUDIT.info(() -> "operator " + who.name() + " (" + who.via() + "): " + action + ": " + outcome
                    + (detail == null ? "" : " (" + detail + ")"));
        }
    }
}
