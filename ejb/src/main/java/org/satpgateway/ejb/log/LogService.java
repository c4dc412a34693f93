package org.satpgateway.ejb.log;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import org.satpgateway.core.log.LogEntry;

/**
 * Reads the gateway log inside the container (status pages, recovery, the log storage API for a backup gateway).
 * Appends happen in the step's own transaction, through a {@link JpaLogStore} on the same persistence context.
 */
@Stateless
public class LogService {
    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    private JpaLogStore store() {
        return new JpaLogStore(em, Clock.systemUTC());
    }

    /** Every entry of a session, in append order. */
    public List<LogEntry> read(String sessionId) {
        return store().read(sessionId);
    }

    /** Sessions whose log does not end them: what recovery looks at on start-up. */
    public List<String> unfinishedSessions() {
        return store().unfinishedSessions();
    }
}
