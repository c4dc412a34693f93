package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.log.LogCorruptedException;
import org.satpgateway.core.log.LogEntry;

/** The log is the truth: a session rebuilt from any prefix of its log is the session as it was at that point. */
class SessionLogTest {
    private final SessionLog log = new SessionLog(Fixtures.CODEC);

    private Simulation completedRun() {
        return new Simulation(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000f1", Duration.ofMinutes(5))).start().run(500);
    }

    @Test
    void everyPrefixReplaysToTheSessionAsItWasThen() {
        Simulation sim = completedRun();
        for (Simulation.Node n : List.of(sim.g1, sim.g2)) {
            assertTrue(n.history.size() >= 5, n.name + " history");
            for (int i = 0; i < n.history.size(); i++) {
                List<LogEntry> prefix = n.log.subList(0, n.logSizes.get(i));
                assertEquals(n.history.get(i), log.replay(prefix), n.name + " after " + prefix.size() + " entries");
            }
            assertNull(log.replay(List.of()));
        }
    }

    /** What the gateway's replay cache relies on: applying a step's entries to the state before it is a replay. */
    @Test
    void applyingEachStepsEntriesToTheStateBeforeItEqualsTheReplay() {
        Simulation sim = completedRun();
        for (Simulation.Node n : List.of(sim.g1, sim.g2)) {
            Session folded = null;
            int from = 0;
            for (int i = 0; i < n.history.size(); i++) {
                int to = n.logSizes.get(i);
                for (LogEntry e : n.log.subList(from, to)) {
                    folded = log.apply(folded, e);
                }
                from = to;
                assertEquals(log.replay(n.log.subList(0, to)), folded, n.name + " after " + to + " entries");
            }
        }
    }

    @Test
    void keysAreUniqueAndEntriesChained() {
        Simulation sim = completedRun();
        for (Simulation.Node n : List.of(sim.g1, sim.g2)) {
            Set<String> keys = new HashSet<>();
            String previous = null;
            for (LogEntry e : n.log) {
                assertTrue(keys.add(e.key()), "duplicate key " + e.key());
                assertEquals(previous, e.hashPrevEntry());
                previous = log.hash(e);
            }
        }
    }

    @Test
    void aChangedEntryBreaksTheReplay() {
        List<LogEntry> entries = new ArrayList<>(completedRun().g1.log);
        LogEntry e = entries.get(3);
        String data = e.data().replace("\"sequenceNumber\":" + e.sequenceNumber(), "\"sequenceNumber\":" + (e.sequenceNumber() + 2));
        assertTrue(!data.equals(e.data()), "the test must change the entry");
        entries.set(3, new LogEntry(e.sessionId(), e.sequenceNumber(), e.type(), e.operation(), e.timestamp(),
                data, e.hashPrevEntry()));
        assertThrows(LogCorruptedException.class, () -> log.replay(entries));
    }

    @Test
    void reorderedOrMissingEntriesBreakTheReplay() {
        List<LogEntry> entries = new ArrayList<>(completedRun().g2.log);
        List<LogEntry> swapped = new ArrayList<>(entries);
        Collections.swap(swapped, 2, 3);
        assertThrows(LogCorruptedException.class, () -> log.replay(swapped));
        List<LogEntry> gap = new ArrayList<>(entries);
        gap.remove(4);
        assertThrows(LogCorruptedException.class, () -> log.replay(gap));
        assertThrows(LogCorruptedException.class, () -> log.replay(entries.subList(1, entries.size())));
    }
}
