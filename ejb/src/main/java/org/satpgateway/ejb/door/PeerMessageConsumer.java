package org.satpgateway.ejb.door;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.logging.Logger;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.failure.StepFailures;
import org.satpgateway.ejb.outbound.JmsChannel;
import org.satpgateway.ejb.recovery.RecoveryCoordinator;
import org.satpgateway.ejb.step.StepService;

/**
 * Takes each signed SATP message the counterpart delivered ({@code satp.inbound}) and runs its step in the
 * container's XA transaction. A step that fails rolls back everything (its reason is recorded apart, see
 * {@link StepFailures}, also when it is the commit that fails), the message is redelivered, and after the broker's
 * attempts it lands in the dead-letter queue with its original address. On the last delivery, a failure that does
 * not pass by itself (see {@link StepFailures#passing}) is decided once: the counterpart gets {@code err_0.2.9} for
 * its message ({@link StepService#unprocessable}), so it does not wait for an answer that will never come.
 */
@MessageDriven(name = "PeerMessageConsumer", activationConfig = {
        @ActivationConfigProperty(propertyName = "destination", propertyValue = JmsChannel.INBOUND),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "useJNDI", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "setupAttempts", propertyValue = "-1"),
        @ActivationConfigProperty(propertyName = "setupInterval", propertyValue = "2000")})
public class PeerMessageConsumer implements MessageListener {
    private static final Logger LOG = Logger.getLogger(PeerMessageConsumer.class.getName());
    /** How long a step waits for start-up recovery before its message goes back to the queue. */
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(3);

    @EJB
    private StepService steps;

    @EJB
    private StepFailures failures;

    @jakarta.inject.Inject
    private org.satpgateway.ejb.metrics.GatewayMetrics metrics;

    @EJB
    private RecoveryCoordinator recovery;

    @EJB
    private GatewayConfig config;

    @Resource
    private TransactionSynchronizationRegistry transactions;

    @Override
    public void onMessage(Message message) {
        StepFailures.Delivery delivery = StepFailures.Delivery.of(JmsChannel.INBOUND, message);
        StepFailures.CommitWatch watch = new StepFailures.CommitWatch(failures, delivery);
        transactions.registerInterposedSynchronization(watch);
        // read before the step: once it failed, the transaction is marked for rollback and refuses REQUIRED calls
        int lastDelivery = config.settings().inboundDeliveryAttempts();
        String wire = null;
        try {
            if (!recovery.awaitReady(STARTUP_WAIT)) {
                throw new StepFailures.NotReady("start-up recovery has not finished after " + STARTUP_WAIT
                        + "; the message waits on the inbound queue");
            }
            wire = JmsChannel.text(message);
            long start = System.nanoTime();
            try {
                steps.receive(wire);
            } finally {
                metrics.stepTook(delivery.type(), java.time.Duration.ofNanos(System.nanoTime() - start));
            }
        } catch (RuntimeException e) {
            watch.threw();
            failures.record(delivery, StepFailures.describe(e));
            metrics.deliveryFailed(JmsChannel.INBOUND);
            if (wire != null && delivery.count() == lastDelivery
                    && !StepFailures.passing(e)) {
                answerUnprocessable(wire, delivery, e);
            }
            throw e;
        }
    }

    private void answerUnprocessable(String wire, StepFailures.Delivery delivery, RuntimeException failure) {
        try {
            steps.unprocessable(wire, StepFailures.describe(failure));
        } catch (RuntimeException e) {
            LOG.warning(() -> "could not answer the counterpart that " + delivery + " cannot be processed: " + e);
        }
    }
}
