package org.satpgateway.ejb.intake;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.satpgateway.ejb.intake.JobIntake;
import org.satpgateway.ejb.outbound.JmsChannel;

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
    /** The string property with the back office's access token, as REST carries it in its Authorization header. */
    public static final String ACCESS_TOKEN = "satpAccessToken";

    @EJB
    private JobIntake intake;

    @Override
    public void onMessage(Message message) {
        try {
            // a job that is not text is refused like a malformed one (answered, not redelivered into the dead letters)
            String json = message instanceof jakarta.jms.TextMessage ? JmsChannel.text(message) : null;
            intake.fromQueue(json, message.getJMSReplyTo(), message.getJMSMessageID(),
                    message.getStringProperty(ACCESS_TOKEN));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot read the job message", e);
        }
    }
}
