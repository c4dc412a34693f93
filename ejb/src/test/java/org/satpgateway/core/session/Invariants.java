package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.satpgateway.core.crypto.Hashes;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.MessageType;

/** The guarantees every run must keep, whatever crashed where (protocol.md, Guarantees the tests must prove). */
final class Invariants {
    private Invariants() {}

    /** Asserts the run ended on both sides with one outcome, and returns it. */
    static Status assertSafe(Simulation sim, String label) {
        if (!sim.ended()) {
            fail(label + ": did not end: " + describe(sim));
        }
        Status s1 = sim.g1.session.status();
        Status s2 = sim.g2.session == null ? Status.ABORTED : sim.g2.session.status();
        boolean completed = s1 == Status.COMPLETED && s2 == Status.COMPLETED;
        boolean undone = Set.of(Status.ROLLED_BACK, Status.ABORTED, Status.REJECTED).containsAll(java.util.EnumSet.of(s1, s2));
        assertTrue(completed || undone, label + ": outcomes disagree: " + describe(sim));

        long supply = sim.nw1.live() + sim.nw2.live();
        assertEquals(Fixtures.AMOUNT, supply, label + ": total supply changed: " + describe(sim));
        assertTrue((sim.nw1.live() == 0) != (sim.nw2.live() == 0), label + ": asset on both or neither ledger");
        assertTrue(sim.nw2.mints <= 1, label + ": minted " + sim.nw2.mints + " times");
        assertTrue(sim.nw1.locks <= 1, label + ": locked " + sim.nw1.locks + " times");
        assertTrue(sim.nw1.burns <= 1, label + ": burned " + sim.nw1.burns + " times");
        FakeLedger.Asset source = sim.nw1.assets.get(Fixtures.ASSET);
        FakeLedger.Asset minted = sim.nw2.assets.get(FakeLedger.minted(sim.g1.session.sessionId()));
        if (completed) {
            assertEquals(FakeLedger.State.BURNED, source.state, label);
            assertEquals(Fixtures.BENEFICIARY, minted.owner, label + ": not assigned to the beneficiary");
        } else {
            assertEquals(FakeLedger.State.FREE, source.state, label + ": source still locked after rollback");
            assertEquals(Fixtures.ORIGINATOR, source.owner, label);
            assertTrue(minted == null || minted.state == FakeLedger.State.BURNED, label + ": minted asset left live");
        }
        assertLogsAgree(sim, label);
        assertTrue(sim.g1.alerts.isEmpty() && sim.g2.alerts.isEmpty(), label + ": alerts " + sim.g1.alerts + sim.g2.alerts);
        return s1;
    }

    /** Every chain message both logs hold is the same message (same hash) on both sides. */
    static void assertLogsAgree(Simulation sim, String label) {
        Map<Long, String> one = chain(sim.g1.log);
        Map<Long, String> two = chain(sim.g2.log);
        for (Map.Entry<Long, String> e : one.entrySet()) {
            if (two.containsKey(e.getKey())) {
                assertEquals(e.getValue(), two.get(e.getKey()), label + ": logs differ at message #" + e.getKey());
            }
        }
    }

    private static Map<Long, String> chain(Iterable<LogEntry> log) {
        Map<Long, String> hashes = new TreeMap<>();
        for (LogEntry e : log) {
            if (MessageType.fromShortName(e.type()).map(MessageType::inChain).orElse(false)) {
                hashes.put(e.sequenceNumber(), Hashes.sha256Hex(e.data()));
            }
        }
        return hashes;
    }

    static String describe(Simulation sim) {
        StringBuilder b = new StringBuilder();
        for (Simulation.Node n : new Simulation.Node[] {sim.g1, sim.g2}) {
            b.append("\n  ").append(n.name).append(n.up ? " up " : " DOWN ")
                    .append(n.session == null ? "no session" : n.session.status() + " " + n.session.step())
                    .append(", log ").append(n.log.size()).append(" entries, sent ").append(sim.sentTypes(n).stream()
                            .map(MessageType::shortName).toList())
                    .append(", alerts ").append(n.alerts).append(", plans ")
                    .append(n.plans.stream().map(p -> p.decision() + ":" + p.detail()).toList());
        }
        b.append("\n  ledgers: nw1 ").append(sim.nw1.assets.keySet()).append(" live ").append(sim.nw1.live())
                .append(", nw2 ").append(sim.nw2.assets.keySet()).append(" live ").append(sim.nw2.live())
                .append("\n  rejections: ").append(sim.rejections);
        return b.toString();
    }
}
