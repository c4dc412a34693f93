package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.log.Operation;

/**
 * Ledgers that make actions final later (a chain waiting for confirmations): the step that submits an action logs
 * it as submitted and commits; the session's timer asks the ledger again, and the answer carries the protocol on.
 * Crashes at every point on either side keep the asset on exactly one ledger.
 */
class SlowLedgerTest {
    private static final String SESSION = "5f0c6a4e-0000-4000-8000-0000000000d1";

    private static Simulation slow(Duration deadline, int confirmations) {
        Simulation sim = new Simulation(Fixtures.order(SESSION, deadline));
        sim.g1.connector = new SlowLedger(sim.nw1, confirmations);
        sim.g2.connector = new SlowLedger(sim.nw2, confirmations);
        return sim;
    }

    @Test
    void aTransferOnSlowLedgersCompletesAndLogsEachSubmissionOnce() {
        Simulation sim = slow(Duration.ofMinutes(5), 2).start().run(1000);

        assertEquals(Status.COMPLETED, Invariants.assertSafe(sim, "slow ledgers"));
        assertEquals(List.of("lock", "extinguish"), submitted(sim.g1.log));
        assertEquals(List.of("create", "assign"), submitted(sim.g2.log));
        assertEquals(1, sim.nw1.locks);
        assertEquals(1, sim.nw1.burns);
        assertEquals(1, sim.nw2.mints);
        assertTrue(((SlowLedger) sim.g1.connector).pendingAnswers >= 4, "the client's ledger answered pending");
        assertTrue(sim.rejections.isEmpty(), sim.rejections.toString());
    }

    @Test
    void aLedgerThatAnswersAtOnceLogsNoSubmission() {
        Simulation sim = new Simulation(Fixtures.order(SESSION, Duration.ofMinutes(5))).start().run(1000);
        assertEquals(Status.COMPLETED, Invariants.assertSafe(sim, "reference"));
        assertEquals(List.of(), submitted(sim.g1.log));
        assertEquals(List.of(), submitted(sim.g2.log));
    }

    @Test
    void eitherCrashAtEveryPointOnSlowLedgersKeepsTheAssetOnOneLedger() {
        List<String> failures = new ArrayList<>();
        for (Duration downtime : List.of(Duration.ofSeconds(2), Duration.ofMinutes(2))) {
            Map<Status, Integer> client = matrix(s -> s.g1, downtime, failures);
            Map<Status, Integer> server = matrix(s -> s.g2, downtime, failures);
            if (downtime.getSeconds() < 60) {
                assertEquals(Map.of(Status.COMPLETED, client.get(Status.COMPLETED)), client);
                assertEquals(Map.of(Status.COMPLETED, server.get(Status.COMPLETED)), server);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static Map<Status, Integer> matrix(Function<Simulation, Simulation.Node> side, Duration downtime,
            List<String> failures) {
        Simulation baseline = slow(Duration.ofMinutes(1), 2).start().run(1000);
        Invariants.assertSafe(baseline, "baseline");
        long atoms = side.apply(baseline).atoms;
        Map<Status, Integer> outcomes = new EnumMap<>(Status.class);
        for (long k = 1; k <= atoms; k++) {
            Simulation sim = slow(Duration.ofMinutes(1), 2);
            sim.downtime = downtime;
            side.apply(sim).crashAfterAtom = k;
            sim.start().run(2000);
            String label = side.apply(sim).name + " on a slow ledger crashed after atom " + k + " of " + atoms
                    + ", down " + downtime;
            try {
                outcomes.merge(Invariants.assertSafe(sim, label), 1, Integer::sum);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        System.out.printf("slow-ledger crash matrix: %s at each of %d points, down %s: %s%n",
                side.apply(baseline).name, atoms, downtime, outcomes);
        return outcomes;
    }

    private static List<String> submitted(List<LogEntry> log) {
        return log.stream().filter(e -> e.operation() == Operation.EXEC)
                .map(e -> e.type().substring(0, e.type().indexOf('@'))).toList();
    }
}
