package org.satpgateway.ejb.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The gateway's counters and timers in MicroProfile Metrics (application scope, served at {@code /metrics}), fed by
 * the steps as they happen: how long a step takes by message type, recovery rounds started, peer messages refused by
 * SATP error code, failed deliveries that the broker retries. They count from the JVM's start, as counters do; the
 * gauges read from the log and the broker are registered by the console. No call here ever fails a step.
 */
@ApplicationScoped // a CDI bean, not an EJB: no transaction of its own, callable from a step marked for rollback
public class GatewayMetrics {
    /**
     * A histogram in milliseconds rather than a timer: Payara 6's exporter prints a timer's mean, max and quantiles
     * in nanoseconds under a name that says seconds.
     */
    public static final String STEP_DURATION = "satp_step_duration_ms";
    public static final String RECOVERIES = "satp_recoveries_started";
    public static final String REFUSED = "satp_peer_messages_refused";
    public static final String RETRIED = "satp_deliveries_failed";

    @Inject
    private MetricRegistry registry;

    /** A step on a message of {@code type} took {@code took} (whether it committed or not). */
    public void stepTook(String type, Duration took) {
        try {
            registry.histogram(Metadata.builder().withName(STEP_DURATION).withDescription("time of one step of a session in"
                    + " milliseconds, from taking its message to handing the transaction back, by message type")
                    .withUnit(MetricUnits.NONE).build(), new Tag("type", type == null ? "unknown" : type)).update(took.toMillis());
        } catch (RuntimeException ignored) {
            // metrics never fail a step
        }
    }

    /** A recovery round started for a session. */
    public void recoveryStarted() {
        count(RECOVERIES, "recovery rounds started with the counterpart (recover-msg sent)");
    }

    /** A message from the counterpart was refused with {@code code} (at the door or by its step). */
    public void refused(String code) {
        count(REFUSED, "messages of the counterpart refused, by SATP error code", new Tag("code", code == null ? "unknown" : code));
    }

    /** A delivery from {@code queue} failed and rolled back; the broker delivers it again or dead-letters it. */
    public void deliveryFailed(String queue) {
        count(RETRIED, "deliveries from the gateway's queues that failed and rolled back (redelivered, or dead-lettered"
                + " after the last attempt)", new Tag("queue", queue == null ? "unknown" : queue));
    }

    private void count(String name, String description, Tag... tags) {
        try {
            registry.counter(Metadata.builder().withName(name).withDescription(description).build(), tags).inc();
        } catch (RuntimeException ignored) {
            // metrics never fail a step
        }
    }
}
