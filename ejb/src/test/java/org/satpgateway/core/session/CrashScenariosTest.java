package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Harder crash patterns: both gateways at once, one gateway twice, and a crash during recovery itself. */
class CrashScenariosTest {
    private static final String SESSION = "5f0c6a4e-0000-4000-8000-0000000000d1";
    private static final Duration DEADLINE = Duration.ofMinutes(1);

    private static long baselineAtoms(boolean client) {
        Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE)).start().run(1000);
        return client ? sim.g1.atoms : sim.g2.atoms;
    }

    @Test
    void bothGatewaysCrashAtOnceAtEveryPointOfTheClient() {
        List<String> failures = new ArrayList<>();
        Map<Status, Integer> outcomes = new EnumMap<>(Status.class);
        long atoms = baselineAtoms(true);
        for (long k = 1; k <= atoms; k++) {
            Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE));
            sim.g1.crashAfterAtom = k;
            sim.g1.takesPeerDown = true;
            sim.start().run(1000);
            try {
                outcomes.merge(Invariants.assertSafe(sim, "both down at G1 atom " + k), 1, Integer::sum);
                assertEquals(1, sim.g2.crashes, "G2 went down with G1");
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(Map.of(Status.COMPLETED, (int) atoms), outcomes);
    }

    @Test
    void sameGatewayCrashesTwiceIncludingDuringItsRecovery() {
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (boolean client : new boolean[] {true, false}) {
            long atoms = baselineAtoms(client);
            for (long first = 1; first <= atoms; first += 3) {
                for (long again = 1; again <= 6; again++) {
                    Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE));
                    Simulation.Node n = client ? sim.g1 : sim.g2;
                    n.crashAfterAtom = first;
                    n.crashAgainAfter = again;
                    sim.start().run(1000);
                    runs++;
                    String label = n.name + " crashed after atom " + first + ", then " + again + " atoms after its restart";
                    try {
                        assertEquals(Status.COMPLETED, Invariants.assertSafe(sim, label), label);
                    } catch (AssertionError e) {
                        failures.add(e.getMessage());
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), runs + " runs, failures:\n" + String.join("\n", failures));
    }

    @Test
    void bothCrashPastTheDeadlineStillKeepTheAssetOnOneLedger() {
        List<String> failures = new ArrayList<>();
        long atoms = baselineAtoms(false);
        for (long k = 1; k <= atoms; k++) {
            Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE));
            sim.downtime = Duration.ofMinutes(2);
            sim.g2.crashAfterAtom = k;
            sim.g2.takesPeerDown = true;
            sim.start().run(1000);
            try {
                Invariants.assertSafe(sim, "both down for 2 minutes at G2 atom " + k);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * The ledger refuses the lock (the asset is held by another transfer); the client crashes at each point of its
     * run, the refusal among them (known to the ledger, not to the log). The session still ends, on both sides,
     * with nothing moved.
     */
    @Test
    void aRefusedLockEndsTheSessionWhereverTheClientCrashes() {
        List<String> failures = new ArrayList<>();
        for (long k = 1; k <= 30; k++) {
            Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE));
            sim.nw1.assets.get(Fixtures.ASSET).state = FakeLedger.State.LOCKED;
            sim.g1.crashAfterAtom = k;
            sim.start().run(1000);
            String label = "G1 crashed after atom " + k + " of a transfer whose lock is refused";
            if (!sim.ended()) {
                failures.add(label + ": did not end: " + Invariants.describe(sim));
            } else if (sim.g1.session.status() != Status.ABORTED || sim.nw2.mints != 0 || sim.nw1.locks != 0) {
                failures.add(label + ": " + Invariants.describe(sim));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
