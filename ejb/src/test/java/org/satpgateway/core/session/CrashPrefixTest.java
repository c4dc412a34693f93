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

/**
 * For every prefix of either gateway's run (after every log entry, ledger action and message sent), crash that
 * gateway, lose its memory, timers and in-flight messages, restart it from its log alone, and let recovery finish
 * the transfer. Every run must end completed or rolled back, with the asset on exactly one ledger, never minted or
 * burned twice, and both logs agreeing.
 */
class CrashPrefixTest {
    private static final String SESSION = "5f0c6a4e-0000-4000-8000-0000000000c1";
    private static final Duration DEADLINE = Duration.ofMinutes(1);

    private static long atomsOf(Function<Simulation, Simulation.Node> side) {
        Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE)).start().run(1000);
        Invariants.assertSafe(sim, "baseline");
        return side.apply(sim).atoms;
    }

    private static Map<Status, Integer> matrix(Function<Simulation, Simulation.Node> side, Duration downtime,
            List<String> failures) {
        return matrix(side, downtime, false, failures);
    }

    private static Map<Status, Integer> matrix(Function<Simulation, Simulation.Node> side, Duration downtime,
            boolean timersFirst, List<String> failures) {
        long atoms = atomsOf(side);
        Map<Status, Integer> outcomes = new EnumMap<>(Status.class);
        for (long k = 1; k <= atoms; k++) {
            Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE));
            sim.downtime = downtime;
            sim.timersFirst = timersFirst;
            side.apply(sim).crashAfterAtom = k;
            sim.start().run(1000);
            String label = side.apply(sim).name + " crashed after atom " + k + " of " + atoms + ", down " + downtime
                    + (timersFirst ? ", its overdue timer first" : "");
            try {
                outcomes.merge(Invariants.assertSafe(sim, label), 1, Integer::sum);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        System.out.printf("crash matrix: %s crashed at each of %d points, down %s: %s%n",
                side.apply(new Simulation(Fixtures.order(SESSION, DEADLINE))).name, atoms, downtime, outcomes);
        return outcomes;
    }

    @Test
    void clientCrashAtEveryPointWithShortDowntimeCompletes() {
        List<String> failures = new ArrayList<>();
        Map<Status, Integer> outcomes = matrix(s -> s.g1, Duration.ofSeconds(2), failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(Map.of(Status.COMPLETED, outcomes.get(Status.COMPLETED)), outcomes);
    }

    @Test
    void serverCrashAtEveryPointWithShortDowntimeCompletes() {
        List<String> failures = new ArrayList<>();
        Map<Status, Integer> outcomes = matrix(s -> s.g2, Duration.ofSeconds(2), failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(Map.of(Status.COMPLETED, outcomes.get(Status.COMPLETED)), outcomes);
    }

    @Test
    void clientCrashPastTheDeadlineCompletesOrRollsBack() {
        List<String> failures = new ArrayList<>();
        Map<Status, Integer> outcomes = matrix(s -> s.g1, Duration.ofMinutes(2), failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(outcomes.containsKey(Status.COMPLETED) && outcomes.keySet().size() > 1, outcomes.toString());
    }

    @Test
    void serverCrashPastTheDeadlineCompletesOrRollsBack() {
        List<String> failures = new ArrayList<>();
        Map<Status, Integer> outcomes = matrix(s -> s.g2, Duration.ofMinutes(2), failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(outcomes.containsKey(Status.COMPLETED) && outcomes.keySet().size() > 1, outcomes.toString());
    }

    /**
     * The crash that the ledger outlives: an action done on the ledger, its step not committed, and the gateway
     * down past the deadline, then its overdue timer running before start-up recovery and before the redelivered
     * step. Deciding the deadline from the log alone here destroys the asset (a burn "unlocked") or doubles it (a
     * mint left live); the gateway asks its ledger first.
     */
    @Test
    void eitherCrashPastTheDeadlineWithTheOverdueTimerFirstKeepsTheAssetOnOneLedger() {
        List<String> failures = new ArrayList<>();
        Map<Status, Integer> client = matrix(s -> s.g1, Duration.ofMinutes(2), true, failures);
        Map<Status, Integer> server = matrix(s -> s.g2, Duration.ofMinutes(2), true, failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(client.containsKey(Status.COMPLETED) && client.containsKey(Status.ROLLED_BACK), client.toString());
        assertTrue(server.containsKey(Status.COMPLETED) && server.containsKey(Status.ROLLED_BACK), server.toString());
    }
}
