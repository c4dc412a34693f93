package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerRecord;
import org.satpgateway.ledger.ReferenceLedger;

/**
 * The crash matrix again, with the reference ledger (its own H2 database and commits) behind both gateways instead
 * of the in-memory fake: the asset ends on exactly one ledger, as the ledgers themselves report it.
 */
class ReferenceLedgerCrashTest {
    private static final String SESSION = "5f0c6a4e-0000-4000-8000-0000000000a1";
    private static final Duration DEADLINE = Duration.ofMinutes(1);
    private static final GatewayKeyPair LEDGER_KEY =
            GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256, BigInteger.valueOf(77));

    private static ReferenceLedger ledger(String network) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + network + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new ReferenceLedger(ds, network, LEDGER_KEY, Fixtures.CODEC, Clock.fixed(Fixtures.T0, ZoneOffset.UTC))
                .createSchema();
    }

    @Test
    void everyCrashPointOfEitherGatewayKeepsTheAssetOnOneReferenceLedger() {
        List<String> failures = new ArrayList<>();
        int runs = 0;
        for (boolean client : new boolean[] {true, false}) {
            for (Duration down : List.of(Duration.ofSeconds(2), Duration.ofMinutes(2))) {
                for (long k = 1; k <= 23; k++) {
                    ReferenceLedger source = ledger("ledger-one");
                    ReferenceLedger target = ledger("ledger-two");
                    source.issue(Fixtures.ASSET, Fixtures.ORIGINATOR, Fixtures.AMOUNT);
                    Simulation sim = new Simulation(Fixtures.order(SESSION, DEADLINE));
                    sim.g1.connector = source;
                    sim.g2.connector = target;
                    sim.downtime = down;
                    (client ? sim.g1 : sim.g2).crashAfterAtom = k;
                    sim.start().run(1000);
                    runs++;
                    String label = (client ? "G1" : "G2") + " crashed after atom " + k + ", down " + down;
                    try {
                        assertSafe(sim, source, target, label);
                    } catch (AssertionError e) {
                        failures.add(e.getMessage());
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), runs + " runs, failures:\n" + String.join("\n", failures));
    }

    private static void assertSafe(Simulation sim, ReferenceLedger source, ReferenceLedger target, String label) {
        assertTrue(sim.ended(), label + ": did not end: " + Invariants.describe(sim));
        Status s1 = sim.g1.session.status();
        Status s2 = sim.g2.session == null ? Status.ABORTED : sim.g2.session.status();
        boolean completed = s1 == Status.COMPLETED && s2 == Status.COMPLETED;
        assertTrue(completed || EnumSet.of(Status.ROLLED_BACK, Status.ABORTED, Status.REJECTED).containsAll(EnumSet.of(s1, s2)),
                label + ": outcomes disagree: " + s1 + "/" + s2);
        assertEquals(Fixtures.AMOUNT, source.totalSupply() + target.totalSupply(), label + ": supply changed");
        assertTrue((source.totalSupply() == 0) != (target.totalSupply() == 0), label + ": on both or neither ledger");
        List<String> sourceActions = source.history(Fixtures.ASSET).stream().map(LedgerRecord::action).toList();
        List<String> targetActions = target.history(Fixtures.ASSET).stream().map(LedgerRecord::action).toList();
        assertTrue(sourceActions.stream().filter("lock"::equals).count() <= 1, label + ": " + sourceActions);
        assertTrue(targetActions.stream().filter("create"::equals).count() <= 1, label + ": " + targetActions);
        AssetView asset = source.asset(Fixtures.ASSET).orElseThrow();
        if (completed) {
            assertEquals(AssetView.AssetState.BURNED, asset.state(), label);
            assertEquals(Fixtures.BENEFICIARY, target.asset(Fixtures.ASSET).orElseThrow().owner(), label);
        } else {
            assertEquals(AssetView.AssetState.FREE, asset.state(), label + ": source still locked");
        }
        Invariants.assertLogsAgree(sim, label);
    }
}
