package org.satpgateway.ejb.failure;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PessimisticLockException;
import jakarta.persistence.QueryTimeoutException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.satpgateway.ejb.log.TransferLog;
import org.satpgateway.core.ledger.LedgerUnavailableException;

/** Records why a delivery failed, outside the failed transaction, so that the reason outlives its rollback. */
@Stateless
public class StepFailures {
    private static final Logger LOG = Logger.getLogger(StepFailures.class.getName());
    /**
     * SQLSTATE classes of failures that pass: connection (08), transaction rollback such as a deadlock or a
     * serialisation failure (40), insufficient resources (53), object not available such as PostgreSQL's lock
     * timeout (55), operator intervention (57), and H2's lock timeout (HYT00).
     */
    private static final Set<String> PASSING_SQL_STATES = Set.of("08", "40", "53", "55", "57", "HY");

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    /** One delivery of a queued message, read before its transaction ends. */
    public record Delivery(String queue, String messageId, String session, String type, int count) {
        public static Delivery of(String queue, Message message) {
            try {
                return new Delivery(queue, message.getJMSMessageID(), message.getStringProperty("satpSession"),
                        message.getStringProperty("satpType"),
                        message.propertyExists("JMSXDeliveryCount") ? message.getIntProperty("JMSXDeliveryCount") : 0);
            } catch (JMSException | RuntimeException e) {
                return new Delivery(queue, null, null, null, 0);
            }
        }

        @Override
        public String toString() {
            return "delivery " + count + " of " + (type == null ? "a message" : type) + " (session " + session
                    + ") from " + queue;
        }
    }

    /** Records the failure of one delivery of {@code message} from {@code queue}. Never throws. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void record(String queue, Message message, RuntimeException failure) {
        record(Delivery.of(queue, message), describe(failure));
    }

    /** Records the failure of one delivery with its reason. Never throws. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void record(Delivery delivery, String reason) {
        try {
            if (delivery.session() != null) {
                TransferLog.log(LOG, Level.WARNING, delivery.session(), null, () -> delivery + " failed and was rolled back: " + reason);
            } else {
                LOG.warning(() -> delivery + " failed and was rolled back: " + reason);
            }
            em.persist(new StepFailureEntity(delivery.messageId(), delivery.queue(), delivery.session(), delivery.type(),
                    delivery.count(), System.currentTimeMillis(), reason));
        } catch (RuntimeException e) {
            LOG.warning(() -> "could not record a failed " + delivery + ": " + e);
        }
    }

    /** The latest failures, newest first. */
    public List<StepFailureEntity> latest(int limit) {
        return em.createQuery("SELECT f FROM StepFailureEntity f ORDER BY f.failedAtMillis DESC", StepFailureEntity.class)
                .setMaxResults(limit).getResultList();
    }

    /**
     * Whether a failure may pass by itself (a lock held by another step, a database, ledger or broker connection
     * lost, a deadlock, a new key the counterpart has not accepted yet), so that a later delivery of the same message
     * may succeed. Anything else (a value the database refuses, a bug) fails again on every delivery.
     */
    public static boolean passing(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLTransientException || c instanceof SQLRecoverableException
                    || c instanceof SQLNonTransientConnectionException || c instanceof IOException
                    || c instanceof LedgerUnavailableException
                    || c instanceof LockTimeoutException || c instanceof PessimisticLockException
                    || c instanceof QueryTimeoutException || c instanceof JMSException
                    || c instanceof jakarta.jms.JMSRuntimeException || c instanceof NotReady
                    || c instanceof org.satpgateway.core.session.KeyNotYetAccepted) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
                    && PASSING_SQL_STATES.contains(sql.getSQLState().substring(0, 2))) {
                return true;
            }
        }
        return false;
    }

    /** The failure's chain of causes in one line, at most about 1500 characters. */
    public static String describe(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null && b.length() < 1500; c = c.getCause()) {
            if (!b.isEmpty()) {
                b.append(" <- ");
            }
            b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            if (c.getCause() == c) {
                break;
            }
        }
        return b.toString();
    }

    /** The gateway is not ready for the step yet (start-up recovery still runs): the message waits on its queue. */
    public static final class NotReady extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public NotReady(String message) {
            super(message);
        }
    }

    /**
     * Watches a delivery's transaction: a step that returned and whose transaction then did not commit (the commit
     * failed, or the transaction timed out) is recorded like a step that threw. Registered at the start of the
     * delivery; {@link #threw()} when the step's own failure was recorded already.
     */
    public static final class CommitWatch implements Synchronization {
        private final StepFailures failures;
        private final Delivery delivery;
        private volatile boolean threw;

        public CommitWatch(StepFailures failures, Delivery delivery) {
            this.failures = failures;
            this.delivery = delivery;
        }

        public void threw() {
            threw = true;
        }

        @Override
        public void beforeCompletion() {
            // nothing before the commit
        }

        @Override
        public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED || threw) {
                return;
            }
            try {
                failures.record(delivery, "the step returned and its transaction did not commit (JTA status "
                        + status + "); the server log has the commit's exception");
            } catch (RuntimeException e) {
                LOG.warning(() -> "could not record that " + delivery + " did not commit: " + e);
            }
        }
    }
}
