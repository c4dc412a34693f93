package org.satpgateway.ejb.messaging;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import java.time.Duration;
import org.satpgateway.ejb.step.StepService;
import org.satpgateway.ejb.timer.RecoveryCoordinator;

/**
 * Takes each signed SATP message the counterpart delivered ({@code satp.inbound}) and runs its step in the
 * container's XA transaction. It only unwraps, delegates and rethrows: a step that fails rolls back everything (its
 * reason is recorded apart, see {@link StepFailures}), the message is redelivered, and after the broker's attempts it
 * lands in the dead-letter queue with its original address.
 */
@MessageDriven(name = "PeerMessageConsumer", activationConfig = {
        @ActivationConfigProperty(propertyName = "destination", propertyValue = JmsChannel.INBOUND),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000")})
public class PeerMessageConsumer implements MessageListener {
    /** How long a step waits for start-up recovery before its message goes back to the queue. */
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(3);

    @EJB
    private StepService steps;

    @EJB
    private StepFailures failures;

    @EJB
    private RecoveryCoordinator recovery;

    @Override
    public void onMessage(Message message) {
        try {
            if (!recovery.awaitReady(STARTUP_WAIT)) {
                throw new IllegalStateException("start-up recovery has not finished after " + STARTUP_WAIT
                        + "; the message waits on the inbound queue");
            }
            steps.receive(text(message));
        } catch (RuntimeException e) {
            failures.record(JmsChannel.INBOUND, message, e);
            throw e;
        }
    }

    static String text(Message message) {
        if (!(message instanceof TextMessage t)) {
            throw new IllegalArgumentException("not a text message: " + message.getClass().getName());
        }
        try {
            return t.getText();
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read the message body", e);
        }
    }
}
