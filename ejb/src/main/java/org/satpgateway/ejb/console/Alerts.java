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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.satpgateway.ejb.notify.Notifications;
import org.satpgateway.ejb.recovery.InDoubtBranches;
import org.satpgateway.ejb.step.StepService;

/**
 * The conditions that need a person, checked every {@code gateway.alerts.check-ms} (default 15 s): a branch of the
 * log database left in doubt, dead letters growing, sessions past their deadline and not ended, sessions waiting for
 * an operator, a certificate close to expiry, the counterpart unreachable for minutes. A condition that appears is
 * sent once through {@link Notifications} (the server's notifiers and the alert logger), again if it lasts an hour, and
 * noted when it clears; the admin API and page show the active ones and the latest raised.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Alerts {
    private static final Logger LOG = Logger.getLogger(Alerts.class.getName());
    private static final int KEPT = 200;
    private static final Duration REPEAT = Duration.ofHours(1);

    @Resource
    private TimerService timers;

    @EJB
    private GatewayStatus status;

    @EJB
    private InDoubtBranches inDoubt;

    @EJB
    private StepService steps;

    @jakarta.inject.Inject
    @ConfigProperty(name = "gateway.alerts.check-ms", defaultValue = "15000")
    private long checkMillis;

    @jakarta.inject.Inject
    @ConfigProperty(name = "gateway.alerts.certificate-days", defaultValue = "30")
    private long certificateDays;

    @jakarta.inject.Inject
    @ConfigProperty(name = "gateway.alerts.peer-unreachable-ms", defaultValue = "120000")
    private long peerUnreachableMillis;

    @jakarta.inject.Inject
    @ConfigProperty(name = "gateway.alerts.deadline-grace-ms", defaultValue = "60000")
    private long deadlineGraceMillis;

    /** One alert: its condition, how serious, what it is about, the text, when raised and last seen, still on or not. */
    public record Alert(String kind, String severity, String subject, String message, Instant raised, Instant lastSeen,
            boolean active) {}

    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final Deque<Alert> recent = new ArrayDeque<>();
    private final Map<String, Instant> sent = new LinkedHashMap<>();
    private Set<String> inDoubtBefore = Set.of();
    private int deadLettersBefore = -1;
    private Instant peerDownSince;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(Math.max(1000, checkMillis), Math.max(1000, checkMillis), new TimerConfig("operator alerts", false));
    }

    /** The alerts on now. */
    public synchronized List<Alert> active() {
        return List.copyOf(active.values());
    }

    /** The active alerts and the latest raised or cleared, newest first. */
    public synchronized List<Alert> recent() {
        List<Alert> out = new ArrayList<>(active.values());
        for (Alert a : recent) {
            if (!a.active()) {
                out.add(a);
            }
        }
        return out;
    }

    @Timeout
    void check() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the alert check failed; it runs again in " + checkMillis + " ms", e);
        }
    }

    /** Checks every condition now. */
    public void evaluate() {
        Map<String, Alert> found = new LinkedHashMap<>();
        Instant now = Instant.now();

        // a branch in doubt seen at two checks in a row (a branch between prepare and commit lasts milliseconds)
        try {
            Set<String> names = new HashSet<>(inDoubt.names());
            Set<String> lasting = new HashSet<>(names);
            lasting.retainAll(inDoubtBefore);
            inDoubtBefore = names;
            if (!lasting.isEmpty()) {
                put(found, "xa-in-doubt", "SEVERE", "log database", lasting.size() + " prepared transaction branch(es) of the"
                        + " log database not resolved for " + checkMillis / 1000 + " s or more: " + lasting
                        + "; the sessions they hold wait (docs/operations.md, xa-in-doubt)", now);
            }
        } catch (RuntimeException e) {
            LOG.fine(() -> "in-doubt branches not listed: " + e.getMessage());
        }

        GatewayStatus.Counts counts = status.counts();
        int dead = counts.deadLetters();
        if (dead > 0 && deadLettersBefore >= 0 && dead > deadLettersBefore) {
            put(found, "dead-letters-growing", "WARNING", "DLQ", "the dead-letter queue grew from " + deadLettersBefore + " to "
                    + dead + " message(s): deliveries fail for a reason retrying did not cure (admin page, Dead letters)", now);
        } else if (dead > 0 && isActive("dead-letters-growing")) {
            put(found, "dead-letters-growing", "WARNING", "DLQ", dead + " dead letter(s) wait for an operator", now);
        }
        if (dead >= 0) {
            deadLettersBefore = dead;
        }

        for (String late : steps.pastDeadline(Duration.ofMillis(deadlineGraceMillis), 200)) {
            put(found, "past-deadline", "SEVERE", late.substring(0, late.indexOf(' ')), "session " + late + " is past its"
                    + " deadline by more than " + deadlineGraceMillis / 1000 + " s and has not ended", now);
        }
        for (Map.Entry<String, String> w : steps.awaitingOperator(200).entrySet()) {
            put(found, "session-needs-operator", "SEVERE", w.getKey(), w.getValue(), now);
        }

        GatewayStatus.Peer peer = status.peer();
        for (GatewayStatus.CertificateView c : peer.certificates()) {
            if (c.daysLeft() < certificateDays) {
                put(found, "certificate-expiring", c.daysLeft() < 7 ? "SEVERE" : "WARNING", c.name(), c.name()
                        + (c.subject() == null ? "" : " " + c.subject()) + " expires " + c.notAfter() + " (" + c.daysLeft()
                        + " day(s) left)", now);
            }
        }
        boolean down = Boolean.FALSE.equals(peer.reachable()) || peer.failingSince() != null;
        if (!down) {
            peerDownSince = null;
        } else if (peerDownSince == null) {
            peerDownSince = peer.failingSince() != null ? peer.failingSince() : now;
        }
        if (peerDownSince != null && Duration.between(peerDownSince, now).toMillis() >= peerUnreachableMillis) {
            put(found, "peer-unreachable", "SEVERE", peer.gatewayId(), "the counterpart " + peer.endpoints()
                    + " has not been reachable since " + peerDownSince + (peer.lastFailure() == null ? "" : ": " + peer.lastFailure()), now);
        }
        apply(found, now);
    }

    private synchronized boolean isActive(String kind) {
        return active.values().stream().anyMatch(a -> a.kind().equals(kind));
    }

    private static void put(Map<String, Alert> found, String kind, String severity, String subject, String message, Instant now) {
        found.put(kind + "/" + subject, new Alert(kind, severity, subject, message, now, now, true));
    }

    private void apply(Map<String, Alert> found, Instant now) {
        List<Alert> toSend = new ArrayList<>();
        List<Alert> cleared = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, Alert> e : found.entrySet()) {
                Alert before = active.get(e.getKey());
                Alert a = e.getValue();
                Alert now2 = before == null ? a : new Alert(a.kind(), a.severity(), a.subject(), a.message(), before.raised(), now, true);
                active.put(e.getKey(), now2);
                Instant last = sent.get(e.getKey());
                if (last == null || last.plus(REPEAT).isBefore(now) || before != null && !before.message().equals(a.message())
                        && a.kind().equals("dead-letters-growing") && a.message().contains("grew")) {
                    sent.put(e.getKey(), now);
                    toSend.add(now2);
                    remember(now2);
                }
            }
            for (String key : new ArrayList<>(active.keySet())) {
                if (!found.containsKey(key)) {
                    Alert gone = active.remove(key);
                    sent.remove(key);
                    Alert off = new Alert(gone.kind(), gone.severity(), gone.subject(), gone.message(), gone.raised(), now, false);
                    remember(off);
                    cleared.add(off);
                }
            }
        }
        for (Alert a : toSend) {
            Notifications.send(a.kind(), Level.parse(a.severity()), a.subject(), a.message());
        }
        for (Alert a : cleared) {
            Notifications.ALERTS.info("[" + a.kind() + "] cleared: " + a.subject());
        }
    }

    private void remember(Alert a) {
        recent.addFirst(a);
        while (recent.size() > KEPT) {
            recent.removeLast();
        }
    }
}
