package org.satpgateway.ejb.console;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.satpgateway.ejb.failure.StepFailureEntity;
import org.satpgateway.ejb.failure.StepFailures;
import org.satpgateway.ejb.log.SessionEntity;
import org.satpgateway.ejb.outbound.JmsChannel;

/**
 * The broker's dead-letter queue as operators see it: each dead letter with its session, message type, original
 * queue and the reason its deliveries failed (from {@link StepFailures}); and the re-drive of the dead letters of
 * unfinished sessions back to the queue they came from, taken from the DLQ and sent again in one transaction.
 */
@Stateless
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());
    /** The broker's dead-letter queue (config/broker/src/main/broker/broker.xml). */
    public static final String DLQ = "DLQ";
    /** Where Artemis notes the address a dead letter was sent to. */
    static final String ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    /** The queues whose dead letters a re-drive puts back: the steps' own queues. */
    private static final Set<String> REDRIVABLE = Set.of(JmsChannel.INBOUND, JmsChannel.OUTBOUND);
    /** At most this many dead letters are read or moved by one call. */
    static final int MAX = 1000;

    @Resource(lookup = "jms/satpConnectionFactory")
    private ConnectionFactory factory;

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    @EJB
    private StepFailures failures;

    /**
     * One dead letter: its original queue, session and message type, when it was first sent, how many failed
     * deliveries of its session's message type are recorded, and {@code reason}: the latest of them.
     */
    public record DeadLetter(String messageId, String queue, String sessionId, String messageType, java.time.Instant sentAt,
            int deliveryCount, String reason) {}

    /** The dead letters, oldest first, at most {@code limit}. */
    public List<DeadLetter> list(int limit) {
        Map<String, String> reasons = new LinkedHashMap<>();
        Map<String, Integer> deliveries = new LinkedHashMap<>();
        for (StepFailureEntity f : failures.latest(MAX)) {
            reasons.putIfAbsent(f.sessionId() + "/" + f.messageType(), f.reason());
            deliveries.merge(f.sessionId() + "/" + f.messageType(), 1, Integer::sum);
        }
        List<DeadLetter> out = new ArrayList<>();
        browse(limit, m -> {
            String session = m.getStringProperty("satpSession");
            String type = m.getStringProperty("satpType");
            out.add(new DeadLetter(m.getJMSMessageID(), m.getStringProperty(ORIGINAL_ADDRESS), session, type,
                    java.time.Instant.ofEpochMilli(m.getJMSTimestamp()), deliveries.getOrDefault(session + "/" + type, 0),
                    reasons.get(session + "/" + type)));
        });
        return out;
    }

    /** How many dead letters there are (counted up to {@link #MAX}). */
    public int count() {
        return depth(DLQ, MAX);
    }

    /** How many messages wait on {@code queue}, counted by browsing up to {@code max}. */
    public int depth(String queue, int max) {
        int[] n = {0};
        browse(queue, max, m -> n[0]++);
        return n[0];
    }

    /** What a re-drive did: how many dead letters went back to their queue, and why the others stayed. */
    public record Redrive(int redriven, int skipped, List<String> sessions, String detail) {}

    /**
     * Puts the dead letters of unfinished sessions back on the queue they came from (a copy without the broker's
     * duplicate id, which would drop it; the step's own delivery key still makes a repeat harmless), removing them
     * from the DLQ in the same transaction. Dead letters of ended sessions, of unknown sessions and of other queues
     * (jobs) stay where they are.
     */
    public Redrive redrive() {
        List<String> sessions = new ArrayList<>();
        int[] skipped = {0};
        List<String> why = new ArrayList<>();
        browse(MAX, m -> {
            String session = m.getStringProperty("satpSession");
            String queue = m.getStringProperty(ORIGINAL_ADDRESS);
            if (session == null || !REDRIVABLE.contains(queue)) {
                skipped[0]++;
                note(why, "not a step's message (" + queue + ")");
            } else if (sessions.contains(session)) {
                return;
            } else {
                SessionEntity s = em.find(SessionEntity.class, session);
                if (s == null) {
                    skipped[0]++;
                    note(why, "no such session here");
                } else if (!"ACTIVE".equals(s.status()) && !"ROLLING_BACK".equals(s.status())) {
                    skipped[0]++;
                    note(why, "the session ended (" + s.status() + ")");
                } else {
                    sessions.add(session);
                }
            }
        });
        int redriven = 0;
        try (Connection c = factory.createConnection(); Session s = c.createSession()) {
            c.start();
            for (String session : sessions) {
                String selector = "satpSession = '" + session.replace("'", "''") + "'";
                try (MessageConsumer consumer = s.createConsumer(s.createQueue(DLQ), selector)) {
                    Message m;
                    while (redriven < MAX && (m = consumer.receive(200)) != null) {
                        String queue = m.getStringProperty(ORIGINAL_ADDRESS);
                        if (!(m instanceof TextMessage text) || !REDRIVABLE.contains(queue)) {
                            throw new IllegalStateException("dead letter " + m.getJMSMessageID() + " of session " + session
                                    + " is not a step's text message; nothing was moved");
                        }
                        TextMessage copy = s.createTextMessage(text.getText());
                        for (String name : Collections.list((Enumeration<String>) m.getPropertyNames())) {
                            if (!name.startsWith("_AMQ_") && !name.startsWith("JMSX")) {
                                copy.setObjectProperty(name, m.getObjectProperty(name));
                            }
                        }
                        try (MessageProducer p = s.createProducer(s.createQueue(queue))) {
                            p.setDeliveryMode(DeliveryMode.PERSISTENT);
                            p.send(copy);
                        }
                        redriven++;
                    }
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("cannot re-drive dead letters: " + e.getMessage(), e);
        }
        String detail = redriven + " dead letter(s) of " + sessions.size() + " unfinished session(s) sent back"
                + (skipped[0] == 0 ? "" : "; " + skipped[0] + " left in the DLQ: " + String.join(", ", why));
        LOG.info(detail);
        return new Redrive(redriven, skipped[0], List.copyOf(sessions), detail);
    }

    private static void note(List<String> why, String reason) {
        if (!why.contains(reason)) {
            why.add(reason);
        }
    }

    private interface Visit {
        void accept(Message m) throws JMSException;
    }

    private void browse(int limit, Visit visit) {
        browse(DLQ, limit, visit);
    }

    private void browse(String queue, int limit, Visit visit) {
        try (Connection c = factory.createConnection(); Session s = c.createSession();
                QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
            Enumeration<?> e = b.getEnumeration();
            for (int i = 0; i < limit && e.hasMoreElements(); i++) {
                visit.accept((Message) e.nextElement());
            }
        } catch (JMSException e) {
            throw new IllegalStateException("cannot browse " + queue + ": " + e.getMessage(), e);
        }
    }
}
