package org.satpgateway.ejb.messaging;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.logging.Logger;

/** Records why a delivery failed, outside the failed transaction, so that the reason outlives its rollback. */
@Stateless
public class StepFailures {
    private static final Logger LOG = Logger.getLogger(StepFailures.class.getName());

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    /** Records the failure of one delivery of {@code message} from {@code queue}. Never throws. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void record(String queue, Message message, RuntimeException failure) {
        try {
            String reason = describe(failure);
            int count = message.propertyExists("JMSXDeliveryCount") ? message.getIntProperty("JMSXDeliveryCount") : 0;
            String session = message.getStringProperty("satpSession");
            String type = message.getStringProperty("satpType");
            LOG.warning(() -> "delivery " + count + " of " + (type == null ? "a message" : type) + " (session " + session
                    + ") from " + queue + " failed and was rolled back: " + reason);
            em.persist(new StepFailureEntity(message.getJMSMessageID(), queue, session, type, count,
                    System.currentTimeMillis(), reason));
        } catch (JMSException | RuntimeException e) {
            LOG.warning(() -> "could not record a failed delivery from " + queue + ": " + e);
        }
    }

    /** The latest failures, newest first. */
    public List<StepFailureEntity> latest(int limit) {
        return em.createQuery("SELECT f FROM StepFailureEntity f ORDER BY f.failedAtMillis DESC", StepFailureEntity.class)
                .setMaxResults(limit).getResultList();
    }

    private static String describe(Throwable t) {
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
}
