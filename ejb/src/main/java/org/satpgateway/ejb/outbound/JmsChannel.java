package org.satpgateway.ejb.outbound;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.Map;

/**
 * The gateway's queues on its Artemis broker, through the resource adapter's XA connection factory. Inside a step's
 * transaction a send commits with the step's log entries, or not at all; outside one it is durable when the call
 * returns (persistent, blocking send).
 */
@Stateless
public class JmsChannel {
    /** Signed SATP messages received from the counterpart, waiting for their step. */
    public static final String INBOUND = "satp.inbound";
    /** Signed SATP messages this gateway sends, waiting for delivery to the counterpart. */
    public static final String OUTBOUND = "satp.outbound";
    /** Transfer jobs from back offices. */
    public static final String JOBS = "satp.jobs";
    /** State changes of transfer jobs, for back offices. */
    public static final String JOB_EVENTS = "satp.job.events";
    /** The broker's management address. */
    public static final String MANAGEMENT = "activemq.management";
    /** Artemis's duplicate-detection property: a second message with the same value is dropped on enqueue. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /** The message's delivery key between gateways (HTTP header Idempotency-Key). */
    public static final String DELIVERY_KEY = "satpDeliveryKey";

    @Resource(lookup = "jms/satpConnectionFactory")
    private ConnectionFactory factory;

    /** Queues a message for delivery to the counterpart; the delivery key makes transport repeats harmless. */
    public void toPeer(String wire, String deliveryKey, Map<String, String> properties) {
        send(false, OUTBOUND, wire, deliveryKey, properties, null, null);
    }

    /**
     * Queues a message received from the counterpart for its step. A repeat of a delivery key is dropped: silently
     * when sent outside a transaction (the door), by aborting the transaction inside one.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public void toInbound(String wire, String deliveryKey, Map<String, String> properties) {
        send(false, INBOUND, wire, deliveryKey, properties, null, null);
    }

    /** Publishes a job's state change for back offices. */
    public void jobEvent(String json, Map<String, String> properties) {
        send(true, JOB_EVENTS, json, null, properties, null, null);
    }

    /** Answers a back office's JMS job on the destination it named in JMSReplyTo. */
    public void reply(Destination replyTo, String correlationId, String json) {
        send(false, null, json, null, Map.of(), replyTo, correlationId);
    }

    /**
     * Asks the broker to run a management operation ({@code operation} on {@code resource}, e.g. {@code pause} on
     * {@code queue.satp.jobs}, parameters as a JSON array): a message to its management address, sent with the
     * caller's transaction. No answer is awaited; the broker refuses it unless the gateway's user may manage.
     */
    public void manage(String resource, String operation, String jsonParameters) {
        try (Connection c = factory.createConnection(); Session s = c.createSession()) {
            TextMessage m = s.createTextMessage(jsonParameters);
            m.setStringProperty("_AMQ_ResourceName", resource);
            m.setStringProperty("_AMQ_OperationName", operation);
            try (MessageProducer producer = s.createProducer(s.createQueue(MANAGEMENT))) {
                producer.send(m);
            }
        } catch (JMSException e) {
            throw new IllegalStateException("the broker did not take " + operation + " of " + resource + ": " + e.getMessage(), e);
        }
    }

    /** The body of a text message taken from a queue. */
    public static String text(Message message) {
        if (!(message instanceof TextMessage t)) {
            throw new IllegalArgumentException("not a text message: " + message.getClass().getName());
        }
        try {
            return t.getText();
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read the message body", e);
        }
    }

    private void send(boolean topic, String name, String body, String duplicateId, Map<String, String> properties,
            Destination to, String correlationId) {
        try (Connection c = factory.createConnection(); Session s = c.createSession()) {
            Destination d = to != null ? to : (topic ? s.createTopic(name) : s.createQueue(name));
            TextMessage m = s.createTextMessage(body);
            if (duplicateId != null) {
                m.setStringProperty(DUPLICATE_ID, duplicateId);
                m.setStringProperty(DELIVERY_KEY, duplicateId);
            }
            for (Map.Entry<String, String> p : properties.entrySet()) {
                m.setStringProperty(p.getKey(), p.getValue());
            }
            if (correlationId != null) {
                m.setJMSCorrelationID(correlationId);
            }
            try (MessageProducer producer = s.createProducer(d)) {
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                producer.send(m);
            }
        } catch (JMSException e) {
            throw new IllegalStateException("cannot send to " + (name != null ? name : "the reply destination") + ": " + e.getMessage(), e);
        }
    }
}
