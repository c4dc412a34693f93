package org.satpgateway.ejb.messaging;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * Delivers each queued message ({@code satp.outbound}) to the counterpart's {@code POST /satp/v1/messages}. A
 * counterpart that cannot be reached makes the delivery throw: the broker redelivers with back-off. A counterpart
 * that refuses the message at its door has answered: the refusal is logged and the message is not retried (the
 * session's timers and recovery take it from there).
 */
@MessageDriven(name = "PeerDeliveryConsumer", activationConfig = {
        @ActivationConfigProperty(propertyName = "destination", propertyValue = JmsChannel.OUTBOUND),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000")})
public class PeerDeliveryConsumer implements MessageListener {
    @EJB
    private PeerHttpChannel peer;

    @EJB
    private StepFailures failures;

    @Override
    public void onMessage(Message message) {
        try {
            peer.deliver(PeerMessageConsumer.text(message), message.getStringProperty(JmsChannel.DELIVERY_KEY));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read the outbound message", e);
        } catch (RuntimeException e) {
            failures.record(JmsChannel.OUTBOUND, message, e);
            throw e;
        }
    }
}
