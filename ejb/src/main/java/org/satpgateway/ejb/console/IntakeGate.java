package org.satpgateway.ejb.console;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.satpgateway.ejb.log.OperatorActionEntity;

/**
 * Whether back-office jobs are taken: an operator may pause intake (REST jobs are answered 503 with Retry-After and
 * nothing is created; JMS jobs wait in the broker) and resume it. The state is the latest pause or resume in the
 * operators' audit trail, so a restarted gateway stays paused. Transfers under way go on either way, and so do
 * transfers the counterpart proposes.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class IntakeGate {
    /** The operators' action names for the two moves. */
    static final String PAUSE = "pause-intake";
    static final String RESUME = "resume-intake";

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

    /** Paused or not; when paused, by whom and since when. */
    public record State(boolean paused, String by, Instant since) {
        static final State RUNNING = new State(false, null, null);
    }

    @PostConstruct
    void load() {
        List<OperatorActionEntity> last = em.createQuery("SELECT a FROM OperatorActionEntity a WHERE a.action IN"
                + " (:pause, :resume) AND a.outcome = 'done' ORDER BY a.atMillis DESC", OperatorActionEntity.class)
                .setParameter("pause", PAUSE).setParameter("resume", RESUME).setMaxResults(1).getResultList();
        if (!last.isEmpty() && PAUSE.equals(last.get(0).action())) {
            state.set(new State(true, last.get(0).operator(), Instant.ofEpochMilli(last.get(0).atMillis())));
        }
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public State state() {
        return state.get();
    }

    /**
     * The state itself, for {@link OperatorConsole} to set once its action is recorded: after the commit, with no
     * call through the container (a container call from a committed transaction's completion fails on resume).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public AtomicReference<State> current() {
        return state;
    }
}
