package org.satpgateway.ejb.console;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.log.Operation;
import org.satpgateway.ejb.failure.StepFailureEntity;
import org.satpgateway.ejb.log.JobEntity;
import org.satpgateway.ejb.log.JpaLogStore;
import org.satpgateway.ejb.log.OperatorActionEntity;
import org.satpgateway.ejb.log.SessionEntity;

/**
 * Sessions as operators look for a stuck one: state, step, age and the last error, filtered by state and by text;
 * and one session's timeline, with what each gateway did (a message this gateway sent, or one the counterpart sent
 * and this gateway received), the ledger's actions, recoveries, alerts, failed deliveries and operators' actions.
 */
@Stateless
public class SessionViews {
    /** The most sessions one list returns. */
    public static final int MAX = 1000;

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    /** A session in the operators' list. */
    public record SessionRow(String sessionId, String transferContextId, String role, String state, String step,
            Instant startedAt, Instant updatedAt, long ageSeconds, String lastError, boolean finished) {}

    /** One line of a timeline. {@code gateway}: {@code this} or {@code peer}; {@code kind}: step, ledger, recovery, error or operator. */
    public record TimelineEntry(String gateway, Instant at, String type, String operation, long sequenceNumber,
            String kind, String detail) {}

    /** Sessions in {@code state} (any when null) whose id or transferContextId contains {@code text}, latest first. */
    public List<SessionRow> sessions(String state, String text, int limit) {
        StringBuilder q = new StringBuilder("SELECT s FROM SessionEntity s WHERE 1 = 1");
        if (state != null) {
            q.append(" AND s.status = :state");
        }
        if (text != null) {
            q.append(" AND (LOWER(s.sessionId) LIKE :text OR LOWER(s.transferContextId) LIKE :text)");
        }
        q.append(" ORDER BY s.updatedAtMillis DESC");
        var query = em.createQuery(q.toString(), SessionEntity.class).setMaxResults(Math.min(limit, MAX));
        if (state != null) {
            query.setParameter("state", state);
        }
        if (text != null) {
            query.setParameter("text", "%" + text.toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        List<SessionEntity> found = query.getResultList();
        if (found.isEmpty()) {
            return List.of();
        }
        List<String> ids = found.stream().map(SessionEntity::sessionId).toList();
        Map<String, Long> started = new HashMap<>();
        for (JobEntity j : em.createQuery("SELECT j FROM JobEntity j WHERE j.jobId IN :ids", JobEntity.class)
                .setParameter("ids", ids).getResultList()) {
            started.put(j.jobId(), j.submittedAtMillis());
        }
        Map<String, String> errors = new HashMap<>();
        for (StepFailureEntity f : em.createQuery("SELECT f FROM StepFailureEntity f WHERE f.sessionId IN :ids"
                + " ORDER BY f.failedAtMillis DESC", StepFailureEntity.class).setParameter("ids", ids).getResultList()) {
            errors.putIfAbsent(f.sessionId(), f.reason());
        }
        Instant now = Instant.now();
        List<SessionRow> rows = new ArrayList<>();
        for (SessionEntity s : found) {
            rows.add(row(s, started.get(s.sessionId()), errors.get(s.sessionId()), now));
        }
        return rows;
    }

    private static SessionRow row(SessionEntity s, Long startedMillis, String lastError, Instant now) {
        Instant updated = Instant.ofEpochMilli(s.updatedAtMillis());
        Instant started = startedMillis == null ? null : Instant.ofEpochMilli(startedMillis);
        boolean finished = !"ACTIVE".equals(s.status()) && !"ROLLING_BACK".equals(s.status());
        long age = Duration.between(started != null ? started : updated, finished ? updated : now).toSeconds();
        return new SessionRow(s.sessionId(), s.transferContextId(), s.role(), s.status(), s.step(), started, updated,
                Math.max(0, age), finished ? null : lastError, finished);
    }

    /** One session with its timeline, oldest first; empty when this gateway has no such session. */
    public Optional<Map.Entry<SessionRow, List<TimelineEntry>>> timeline(String sessionId) {
        SessionEntity s = em.find(SessionEntity.class, sessionId);
        if (s == null) {
            return Optional.empty();
        }
        JobEntity job = em.find(JobEntity.class, sessionId);
        List<TimelineEntry> lines = new ArrayList<>();
        String lastError = null;
        for (LogEntry e : new JpaLogStore(em, Clock.systemUTC()).read(sessionId)) {
            lines.add(line(e));
        }
        for (StepFailureEntity f : em.createQuery("SELECT f FROM StepFailureEntity f WHERE f.sessionId = :id",
                StepFailureEntity.class).setParameter("id", sessionId).getResultList()) {
            lines.add(new TimelineEntry("this", Instant.ofEpochMilli(f.failedAtMillis()), f.messageType(), "failed", -1,
                    "error", "delivery " + f.deliveryCount() + " from " + f.queue() + " failed: " + f.reason()));
            lastError = f.reason();
        }
        for (OperatorActionEntity a : em.createQuery("SELECT a FROM OperatorActionEntity a WHERE a.sessionId = :id",
                OperatorActionEntity.class).setParameter("id", sessionId).getResultList()) {
            lines.add(new TimelineEntry("this", Instant.ofEpochMilli(a.atMillis()), a.action(), a.outcome(), -1, "operator",
                    a.operator() + " (" + a.via() + "): " + a.detail()));
        }
        lines.sort(Comparator.comparing(TimelineEntry::at));
        return Optional.of(Map.entry(row(s, job == null ? null : job.submittedAtMillis(), lastError, Instant.now()), lines));
    }

    private static TimelineEntry line(LogEntry e) {
        String type = e.type();
        String kind;
        String gateway = "this";
        if (type.startsWith("alert")) {
            kind = "error";
        } else if (type.startsWith("recover") || type.startsWith("rollback")) {
            kind = "recovery";
        } else if (type.endsWith("-msg")) {
            kind = "step";
        } else {
            kind = "ledger";
        }
        if (type.endsWith("-msg") && e.operation() == Operation.ACK) {
            gateway = "peer"; // the counterpart sent it; this gateway logged its receipt
        }
        if ("error-msg".equals(type)) {
            kind = "error";
        }
        Instant at;
        try {
            at = Instant.parse(e.timestamp());
        } catch (RuntimeException notAnInstant) {
            at = Instant.EPOCH;
        }
        String detail = e.data().length() > 300 ? e.data().substring(0, 300) + "…" : e.data();
        return new TimelineEntry(gateway, at, type, e.operation().wireName(), e.sequenceNumber(), kind, detail);
    }
}
