package org.satpgateway.ejb.step;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sessions as their logs rebuild them, kept between steps so that a step does not replay a session's whole log again.
 * An entry holds the session rebuilt from the log's first {@code position} entries; it is used only when the session's
 * index row, read under the step's lock, still says {@code position}, so a step that appended anything elsewhere
 * (another process, a step whose commit this cache never saw) makes the next step replay from the log. The log stays
 * the truth; the cache only saves work. The least recently used entries go first beyond {@code capacity}.
 *
 * @param <S> the rebuilt state (the gateway keeps {@link org.satpgateway.core.session.Session}s)
 */
public final class ReplayCache<S> {
    private record Entry<S>(long position, S session) {}

    private final Map<String, Entry<S>> entries;

    public ReplayCache(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<S>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The session rebuilt from exactly {@code position} entries, or null when the cache has no such state. */
    public synchronized S get(String sessionId, long position) {
        Entry<S> e = entries.get(sessionId);
        return e != null && e.position() == position ? e.session() : null;
    }

    /** Keeps the session rebuilt from {@code position} entries, unless a later state is kept already. */
    public synchronized void put(String sessionId, long position, S session) {
        Entry<S> e = entries.get(sessionId);
        if (e == null || e.position() < position) {
            entries.put(sessionId, new Entry<>(position, session));
        }
    }

    public synchronized void forget(String sessionId) {
        entries.remove(sessionId);
    }

    public synchronized int size() {
        return entries.size();
    }
}
