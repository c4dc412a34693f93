package org.satpgateway.ejb.log;

import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.port.LogStore;
import org.satpgateway.core.session.Session;
import org.satpgateway.core.session.Status;

/**
 * The log storage API over JPA. It uses the caller's entity manager, so that entries commit with the step's
 * transaction (the inbound message, the outbound message and the log in one XA commit).
 */
public final class JpaLogStore implements LogStore {
    private static final List<String> ENDED = List.of(Status.COMPLETED.name(), Status.ROLLED_BACK.name(),
            Status.ABORTED.name(), Status.REJECTED.name());

    private final EntityManager em;
    private final Clock clock;

    public JpaLogStore(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    @Override
    public void append(List<LogEntry> entries) {
        SessionEntity index = null;
        for (LogEntry e : entries) {
            if (index == null || !index.sessionId().equals(e.sessionId())) {
                index = em.find(SessionEntity.class, e.sessionId());
                if (index == null) {
                    index = new SessionEntity(e.sessionId());
                    em.persist(index);
                }
            }
            em.persist(new LogEntryEntity(e, index.nextPosition()));
        }
        em.flush();
    }

    /** Records what the log now says of a session, in the same commit as its entries. */
    public void index(Session s) {
        SessionEntity index = em.find(SessionEntity.class, s.sessionId());
        if (index == null) {
            throw new IllegalStateException("session " + s.sessionId() + " has no log entries");
        }
        index.describe(s.transferContextId(), s.role().name(), s.status().name(), s.step(), clock.millis());
    }

    /** Arms the session's persistent timer (replaces an armed one). */
    public void arm(String sessionId, java.time.Instant at, int attempt) {
        index(sessionId).arm(at.toEpochMilli(), attempt);
    }

    /** Cancels the session's timer. */
    public void cancelTimeout(String sessionId) {
        index(sessionId).cancelTimeout();
    }

    /**
     * The session's index row, locked for this transaction so that steps of one session run one after another. The
     * wait for the lock is bounded (H2: its lock timeout; PostgreSQL: {@value #LOCK_TIMEOUT} for this transaction): a
     * row held by an XA branch left in doubt fails this session's steps, which are retried and recorded, and stalls
     * nothing else.
     */
    public Optional<SessionEntity> lock(String sessionId) {
        if (postgres()) {
            em.createNativeQuery("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'").executeUpdate();
        }
        return Optional.ofNullable(em.find(SessionEntity.class, sessionId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE));
    }

    /** How long a step waits for its session's row lock on PostgreSQL (which waits for ever by default). */
    static final String LOCK_TIMEOUT = "15s";
    private static volatile Boolean postgres;

    private boolean postgres() {
        Boolean known = postgres;
        if (known == null) {
            try {
                java.sql.Connection c = em.unwrap(java.sql.Connection.class);
                known = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
            } catch (java.sql.SQLException | RuntimeException e) {
                known = false;
            }
            postgres = known;
        }
        return known;
    }

    /** How many entries the session's log holds now, in this transaction; 0 for an unknown session. */
    public long position(String sessionId) {
        SessionEntity index = em.find(SessionEntity.class, sessionId);
        return index == null ? 0 : index.lastPosition();
    }

    /** Sessions whose timer is due at {@code now}, oldest first. */
    public List<String> due(java.time.Instant now, int limit) {
        return em.createQuery("SELECT s.sessionId FROM SessionEntity s WHERE s.timeoutAtMillis <= :now ORDER BY s.timeoutAtMillis",
                        String.class)
                .setParameter("now", now.toEpochMilli()).setMaxResults(limit).getResultList();
    }

    private SessionEntity index(String sessionId) {
        SessionEntity index = em.find(SessionEntity.class, sessionId);
        if (index == null) {
            throw new IllegalStateException("session " + sessionId + " has no log entries");
        }
        return index;
    }

    @Override
    public List<LogEntry> read(String sessionId) {
        return em.createQuery("SELECT e FROM LogEntryEntity e WHERE e.sessionId = :s ORDER BY e.position", LogEntryEntity.class)
                .setParameter("s", sessionId)
                .getResultList().stream().map(LogEntryEntity::toEntry).toList();
    }

    @Override
    public Optional<LogEntry> last(String sessionId) {
        return em.createQuery("SELECT e FROM LogEntryEntity e WHERE e.sessionId = :s ORDER BY e.position DESC", LogEntryEntity.class)
                .setParameter("s", sessionId).setMaxResults(1)
                .getResultList().stream().map(LogEntryEntity::toEntry).findFirst();
    }

    @Override
    public List<LogEntry> after(String sessionId, long sequenceNumber) {
        return em.createQuery("SELECT e FROM LogEntryEntity e WHERE e.sessionId = :s AND e.sequenceNumber > :n ORDER BY e.position",
                        LogEntryEntity.class)
                .setParameter("s", sessionId).setParameter("n", sequenceNumber)
                .getResultList().stream().map(LogEntryEntity::toEntry).toList();
    }

    @Override
    public List<String> unfinishedSessions() {
        return em.createQuery("SELECT s.sessionId FROM SessionEntity s WHERE s.status IS NULL OR s.status NOT IN :ended ORDER BY s.sessionId",
                        String.class)
                .setParameter("ended", ENDED).getResultList();
    }
}
