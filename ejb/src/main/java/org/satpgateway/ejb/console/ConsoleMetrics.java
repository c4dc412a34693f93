package org.satpgateway.ejb.console;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.satpgateway.ejb.outbound.JmsChannel;
import org.satpgateway.ejb.step.StepService;

/**
 * The gauges of {@code /metrics} that read the gateway's state (the counters are {@code GatewayMetrics}): sessions by
 * role and state (transfers started and ended by outcome), unfinished sessions by state and step, the queues' depth
 * and the dead letters (from the broker), dependency checks, intake paused, the lease, days left of each
 * certificate, the ledger's unconfirmed actions and the active alerts. Values are read at most every few seconds
 * whatever the scrape rate; a gauge whose source does not answer reads -1.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ConsoleMetrics {
    private static final Logger LOG = Logger.getLogger(ConsoleMetrics.class.getName());
    private static final List<String> ROLES = List.of("CLIENT", "SERVER");
    private static final List<String> STATES = List.of("ACTIVE", "ROLLING_BACK", "COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED");
    private static final List<String> QUEUES = List.of(JmsChannel.INBOUND, JmsChannel.OUTBOUND, JmsChannel.JOBS, DeadLetters.DLQ);
    private static final Duration FRESH = Duration.ofSeconds(5);

    @Inject
    private MetricRegistry registry;

    @Resource
    private TimerService timers;

    @EJB
    private GatewayStatus status;

    @EJB
    private DeadLetters queues;

    @EJB
    private StepService steps;

    @EJB
    private Alerts alerts;

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    private record Kept(double value, Instant at) {}

    @PostConstruct
    void register() {
        for (String role : ROLES) {
            for (String state : STATES) {
                gauge("satp_sessions", "sessions of this gateway by role (CLIENT: jobs it runs; SERVER: transfers the"
                        + " counterpart proposed) and state; ended states count transfers by outcome",
                        () -> status.counts().byRoleAndState().getOrDefault(role + "/" + state, 0L), new Tag("role", role),
                        new Tag("state", state));
            }
        }
        for (String queue : QUEUES) {
            gauge("satp_queue_depth", "messages waiting on the gateway's queues on its broker (DLQ: dead letters)",
                    () -> kept("queue/" + queue, () -> queues.depth(queue, 10_000)), new Tag("queue", queue));
        }
        for (String check : GatewayStatus.DEPENDENCIES) {
            gauge("satp_dependency_up", "1 when the dependency answers (readiness), 0 when not",
                    () -> status.check(check).up() ? 1 : 0, new Tag("dependency", check));
        }
        gauge("satp_intake_paused", "1 while an operator has paused intake of back-office jobs", () -> status.intake().paused() ? 1 : 0);
        gauge("satp_ledger_pending_actions", "unfinished sessions waiting for the ledger to confirm an action they submitted",
                () -> kept("ledger-pending", () -> steps.awaitingLedger(10_000)));
        gauge("satp_alerts_active", "conditions that need a person now (admin page, Alerts)", () -> alerts.active().size());
        GatewayStatus.Lease lease = status.lease();
        if (lease.instance() != null) {
            gauge("satp_lease_epoch", "the epoch of the gateway lease this instance holds (primary-backup)",
                    lease::epoch, new Tag("holder", lease.instance()));
        }
        timers.createIntervalTimer(5000, 5000, new TimerConfig("metrics of unfinished sessions", false));
    }

    /** Registers the gauges whose tags come and go: unfinished sessions by state and step, certificates. */
    @Timeout
    void refresh() {
        try {
            for (String key : status.counts().inFlightByStateAndStep().keySet()) {
                String[] parts = key.split("/", 2);
                gauge("satp_sessions_in_flight", "unfinished sessions by state and step",
                        () -> status.counts().inFlightByStateAndStep().getOrDefault(key, 0L), new Tag("state", parts[0]),
                        new Tag("step", parts.length > 1 && parts[1] != null && !"null".equals(parts[1]) ? parts[1] : "none"));
            }
            for (GatewayStatus.CertificateView c : status.peer().certificates()) {
                String name = c.name();
                gauge("satp_certificate_days_left", "whole days until the certificate expires", () -> status.peer()
                        .certificates().stream().filter(x -> x.name().equals(name)).mapToLong(GatewayStatus.CertificateView::daysLeft)
                        .findFirst().orElse(-1), new Tag("certificate", name));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metrics not refreshed now", e);
        }
    }

    private double kept(String key, Supplier<Number> read) {
        Kept k = kept.get(key);
        if (k != null && k.at().plus(FRESH).isAfter(Instant.now())) {
            return k.value();
        }
        double v;
        try {
            v = read.get().doubleValue();
        } catch (RuntimeException e) {
            v = -1;
        }
        kept.put(key, new Kept(v, Instant.now()));
        return v;
    }

    private void gauge(String name, String description, Supplier<Number> value, Tag... tags) {
        StringBuilder id = new StringBuilder(name);
        for (Tag t : tags) {
            id.append('/').append(t.getTagName()).append('=').append(t.getTagValue());
        }
        if (!registered.add(id.toString())) {
            return;
        }
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), () -> {
            try {
                return value.get();
            } catch (RuntimeException e) {
                return -1;
            }
        }, tags);
    }
}
