package org.satpgateway.ejb.intake;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.ejb.log.JobEntity;
import org.satpgateway.ejb.log.JpaLogStore;
import org.satpgateway.ejb.log.SessionEntity;

/**
 * Read-only views of transfers for the back office and operators: state and step from the session index, the
 * history of steps and recoveries from the log itself. A back-office caller sees the jobs it submitted and the
 * transfers the counterpart opened here (they belong to no back office); an operator sees everything (a null
 * viewer).
 */
@Stateless
public class TransferQueries {
    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    /**
     * A transfer (client job or server session) by its id, with its history; empty when unknown, or when it is
     * another caller's job ({@code viewer}: the back-office caller; null for an operator).
     */
    public Optional<Map<String, Object>> transfer(String id, String viewer) {
        SessionEntity s = em.find(SessionEntity.class, id);
        if (s == null || !visible(s, viewer)) {
            return Optional.empty();
        }
        Map<String, Object> view = summary(s);
        List<Map<String, Object>> history = new ArrayList<>();
        List<Map<String, Object>> recoveries = new ArrayList<>();
        for (LogEntry e : new JpaLogStore(em, Clock.systemUTC()).read(id)) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("sequenceNumber", e.sequenceNumber());
            h.put("type", e.type());
            h.put("operation", e.operation().wireName());
            h.put("timestamp", e.timestamp());
            history.add(h);
            if (e.type().startsWith("recover") || e.type().startsWith("rollback") || e.type().startsWith("alert")) {
                recoveries.add(h);
            }
        }
        view.put("history", history);
        view.put("recoveries", recoveries);
        return Optional.of(view);
    }

    /** Transfers in a state (any state when null) that {@code viewer} may see, most recently updated first. */
    public List<Map<String, Object>> transfers(String state, int limit, String viewer) {
        List<String> where = new ArrayList<>();
        if (state != null) {
            where.add("s.status = :state");
        }
        if (viewer != null) {
            where.add("(s.role = 'SERVER' OR EXISTS (SELECT j FROM JobEntity j WHERE j.jobId = s.sessionId"
                    + " AND j.submittedBy = :viewer))");
        }
        String q = "SELECT s FROM SessionEntity s" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY s.updatedAtMillis DESC";
        var query = em.createQuery(q, SessionEntity.class).setMaxResults(limit);
        if (state != null) {
            query.setParameter("state", state);
        }
        if (viewer != null) {
            query.setParameter("viewer", viewer);
        }
        return query.getResultList().stream().map(this::summary).toList();
    }

    private boolean visible(SessionEntity s, String viewer) {
        if (viewer == null || "SERVER".equals(s.role())) {
            return true;
        }
        JobEntity job = em.find(JobEntity.class, s.sessionId());
        return job != null && viewer.equals(job.submittedBy());
    }

    private Map<String, Object> summary(SessionEntity s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.sessionId());
        view.put("transferContextId", s.transferContextId());
        view.put("role", s.role());
        view.put("state", s.status());
        view.put("step", s.step());
        view.put("updatedAt", Instant.ofEpochMilli(s.updatedAtMillis()).toString());
        JobEntity job = em.find(JobEntity.class, s.sessionId());
        if (job != null) {
            view.put("submittedAt", Instant.ofEpochMilli(job.submittedAtMillis()).toString());
            view.put("channel", job.channel());
            view.put("submittedBy", job.submittedBy());
        }
        return view;
    }
}
