package org.satpgateway.ejb.messaging;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.satpgateway.ejb.job.JobIntake;

/**
 * Takes back-office transfer jobs from {@code satp.jobs} (the same JSON as {@code POST /api/v1/transfers}). A valid
 * job opens its session in this transaction; an invalid one is refused with its reason on {@code satp.job.events}
 * (and on JMSReplyTo when the back office named one), and nothing is created.
 */
@MessageDriven(name = "TransferJobConsumer", activationConfig = {
        @ActivationConfigProperty(propertyName = "destination", propertyValue = JmsChannel.JOBS),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000")})
public class TransferJobConsumer implements MessageListener {
    /** The property in which Artemis names the authenticated user that sent a message. */
    static final String VALIDATED_USER = "_AMQ_VALIDATED_USER";

    @EJB
    private JobIntake intake;

    @Override
    public void onMessage(Message message) {
        try {
            // a job that is not text is refused like a malformed one (answered, not redelivered into the dead letters)
            String json = message instanceof jakarta.jms.TextMessage ? PeerMessageConsumer.text(message) : null;
            // the broker stamps the sender's authenticated user on the message (populate-validated-user)
            String user = message.getStringProperty(VALIDATED_USER);
            intake.fromQueue(json, message.getJMSReplyTo(), message.getJMSMessageID(), user);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read the job message", e);
        }
    }
}
