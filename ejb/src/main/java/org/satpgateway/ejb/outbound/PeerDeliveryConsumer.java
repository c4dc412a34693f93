package org.satpgateway.ejb.outbound;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.satpgateway.ejb.failure.StepFailures;

/**
 * Delivers each queued message ({@code satp.outbound}) to the counterpart's {@code POST /satp/v1/messages}. A
 * counterpart that cannot be reached makes the delivery throw: the broker redelivers with back-off. A counterpart
 * that refuses the message at its door has answered: the refusal is logged and the message is not retried (the
 * session's timers and recovery take it from there).
 *
 * <p>No transaction: the POST is not transactional, and the counterpart drops a repeated delivery key. The resource
 * adapter acknowledges the message after {@code onMessage} returns; when it throws, the adapter rolls the delivery
 * back, and the broker redelivers it with back-off and counts the attempt towards the dead-letter queue, as in a
 * transaction. A crash between the POST and the acknowledgement delivers the message again: a repeat the
 * counterpart drops.
 */
@MessageDriven(name = "PeerDeliveryConsumer", activationConfig = {
        @ActivationConfigProperty(propertyName = "destination", propertyValue = JmsChannel.OUTBOUND),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000")})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PeerDeliveryConsumer implements MessageListener {
    @EJB
    private PeerHttpChannel peer;

    @EJB
    private StepFailures failures;

    @Override
    public void onMessage(Message message) {
        try {
            peer.deliver(JmsChannel.text(message), message.getStringProperty(JmsChannel.DELIVERY_KEY));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read the outbound message", e);
        } catch (RuntimeException e) {
            failures.record(JmsChannel.OUTBOUND, message, e);
            throw e;
        }
    }
}
