package org.satpgateway.core.port;

import java.util.List;
import java.util.Optional;
import org.satpgateway.core.log.LogEntry;

/**
 * The log storage API (protocol.md, The gateway log): what a gateway, its recovery and a backup gateway read and
 * append. Adapters: JPA in the gateway, in-memory in tests.
 */
public interface LogStore {
    /**
     * Appends entries of one step. When this returns inside the caller's transaction, the entries commit or roll
     * back with it; when it returns outside one, they are durable. Fails if an entry's key already exists.
     */
    void append(List<LogEntry> entries);

    /** Every entry of a session, in append order; empty when the session is unknown. */
    List<LogEntry> read(String sessionId);

    /** The session's last entry. */
    Optional<LogEntry> last(String sessionId);

    /** The session's entries whose sequence number is above {@code sequenceNumber}, in append order. */
    List<LogEntry> after(String sessionId, long sequenceNumber);

    /** The ids of sessions whose last entry does not end them. */
    List<String> unfinishedSessions();
}
