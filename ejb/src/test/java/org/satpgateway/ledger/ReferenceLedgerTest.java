package org.satpgateway.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerRecord;
import org.satpgateway.core.ledger.LedgerUnavailableException;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.ledger.AssetView.AssetState;

class ReferenceLedgerTest {
    private static final GatewayKeyPair KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256, BigInteger.valueOf(424242));
    private static final String BOND = "bond-2031-0001";
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static ReferenceLedger ledger(String network) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + network + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new ReferenceLedger(ds, network, KEY, new MessageCodec(),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).createSchema();
    }

    private static LedgerRequest req(LedgerAction action, String session, String owner) {
        return new LedgerRequest(action, session, BOND, 500, owner);
    }

    @Test
    void aTransferMovesTheAssetAndEveryStepHasASignedRecord() {
        ReferenceLedger source = ledger("ledger-one");
        ReferenceLedger target = ledger("ledger-two");
        source.issue(BOND, "alice", 500);
        String s = "session-1";

        LedgerResult.Done lock = assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.LOCK, s, "alice")));
        assertEquals(AssetState.LOCKED, source.asset(BOND).orElseThrow().state());
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.CREATE, s, "gateway-two")));
        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.EXTINGUISH, s, "alice")));
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.ASSIGN, s, "bob")));

        assertEquals(AssetState.BURNED, source.asset(BOND).orElseThrow().state());
        assertEquals("bob", target.asset(BOND).orElseThrow().owner());
        assertEquals(0, source.totalSupply());
        assertEquals(500, target.totalSupply());
        assertEquals(List.of("lock", "extinguish"), source.history(BOND).stream().map(LedgerRecord::action).toList());
        assertEquals(List.of("create", "assign"), target.history(BOND).stream().map(LedgerRecord::action).toList());
        assertTrue(ReferenceLedger.proofHolds(lock.receipt(), lock.proof(), source.proofKey()));
        assertFalse(ReferenceLedger.proofHolds(lock.receipt().replace("lock", "unlock"), lock.proof(), source.proofKey()));
    }

    @Test
    void anUndoRefusesWhenTheAssetIsNoLongerTheSessionsToUndo() {
        ReferenceLedger source = ledger("ledger-one");
        ReferenceLedger target = ledger("ledger-two");
        source.issue(BOND, "alice", 500);
        source.perform(req(LedgerAction.LOCK, "s", "alice"));
        source.perform(req(LedgerAction.EXTINGUISH, "s", "alice"));
        LedgerResult.Failed unlock = assertInstanceOf(LedgerResult.Failed.class,
                source.perform(req(LedgerAction.UNLOCK, "s", "alice")), "unlocking a burned asset is never a success");
        assertTrue(unlock.reason().contains("BURNED"), unlock.reason());
        assertEquals(AssetState.BURNED, source.asset(BOND).orElseThrow().state());

        target.perform(req(LedgerAction.CREATE, "s", "gateway-two"));
        target.perform(req(LedgerAction.ASSIGN, "s", "bob"));
        assertInstanceOf(LedgerResult.Failed.class, target.perform(req(LedgerAction.EXTINGUISH, "s", "gateway-two")),
                "the beneficiary's asset is not the gateway's to destroy");
        assertEquals(500, target.totalSupply());

        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.UNLOCK, "never-locked", "alice")),
                "the undo of a lock that never happened succeeds without effect");
    }

    @Test
    void recordedTellsEveryActionOfASessionWithoutActing() {
        ReferenceLedger source = ledger("ledger-one");
        source.issue(BOND, "alice", 500);
        assertEquals(java.util.Map.of(), source.recorded("s"));
        LedgerResult lock = source.perform(req(LedgerAction.LOCK, "s", "alice"));
        LedgerResult burn = source.perform(req(LedgerAction.EXTINGUISH, "s", "alice"));
        source.perform(req(LedgerAction.LOCK, "other", "alice"));
        assertEquals(java.util.Map.of(LedgerAction.LOCK, lock, LedgerAction.EXTINGUISH, burn), source.recorded("s"));
        assertEquals(AssetState.BURNED, source.asset(BOND).orElseThrow().state());
    }

    @Test
    void theSameRequestTwiceActsOnceAndAnswersTheSame() {
        ReferenceLedger source = ledger("ledger-one");
        source.issue(BOND, "alice", 500);
        LedgerResult first = source.perform(req(LedgerAction.LOCK, "s", "alice"));
        LedgerResult again = source.perform(req(LedgerAction.LOCK, "s", "alice"));
        assertEquals(first, again);
        assertEquals(first, source.query(LedgerAction.LOCK.key("s")).orElseThrow());
        assertEquals(1, source.history(BOND).size());
        source.perform(req(LedgerAction.UNLOCK, "s", "alice"));
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertEquals(first, source.perform(req(LedgerAction.LOCK, "s", "alice")), "a repeated lock after the unlock does not lock again");
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
    }

    @Test
    void refusalsCarryTheirSatpCodeAndAreAnsweredTheSameWhenRepeated() {
        ReferenceLedger source = ledger("ledger-one");
        LedgerResult.Failed missing = (LedgerResult.Failed) source.perform(req(LedgerAction.LOCK, "early", "alice"));
        assertEquals("err_2.2.7", missing.errorCode());
        source.issue(BOND, "alice", 500);
        assertEquals(missing, source.perform(req(LedgerAction.LOCK, "early", "alice")), "a refused request stays refused");
        assertEquals("err_2.2.7", ((LedgerResult.Failed) source.perform(req(LedgerAction.LOCK, "thief", "mallory"))).errorCode());
        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.LOCK, "a", "alice")));
        assertEquals("err_2.2.8", ((LedgerResult.Failed) source.perform(req(LedgerAction.LOCK, "b", "alice"))).errorCode());
        assertEquals("a", source.asset(BOND).orElseThrow().lockedBy());
    }

    @Test
    void undoingWhatNeverHappenedSucceedsWithoutEffect() {
        ReferenceLedger source = ledger("ledger-one");
        ReferenceLedger target = ledger("ledger-two");
        source.issue(BOND, "alice", 500);
        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.UNLOCK, "never-locked", "alice")));
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.EXTINGUISH, "never-created", "gateway-two")));
        assertTrue(target.asset(BOND).isEmpty());
        assertEquals(500, source.totalSupply() + target.totalSupply());
    }

    @Test
    void anUndoRecordedFirstRefusesTheLateActionItUndoes() {
        ReferenceLedger source = ledger("ledger-one");
        ReferenceLedger target = ledger("ledger-two");
        source.issue(BOND, "alice", 500);
        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.UNLOCK, "late", "alice")));
        LedgerResult.Failed lock = assertInstanceOf(LedgerResult.Failed.class,
                source.perform(req(LedgerAction.LOCK, "late", "alice")));
        assertEquals("err_0.2.8", lock.errorCode());
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state(), "the late lock changed nothing");
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.EXTINGUISH, "late", "gateway-two")));
        assertInstanceOf(LedgerResult.Failed.class, target.perform(req(LedgerAction.CREATE, "late", "gateway-two")));
        assertTrue(target.asset(BOND).isEmpty(), "the late mint made nothing");
        assertEquals(500, source.totalSupply() + target.totalSupply());
    }

    @Test
    void aBurnWithoutThisSessionsLockIsRefused() {
        ReferenceLedger source = ledger("ledger-one");
        source.issue(BOND, "alice", 500);
        source.perform(req(LedgerAction.LOCK, "a", "alice"));
        source.perform(req(LedgerAction.UNLOCK, "a", "alice"));
        assertInstanceOf(LedgerResult.Failed.class, source.perform(req(LedgerAction.EXTINGUISH, "a", "alice")));
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
    }

    @Test
    void concurrentLocksOfOneAssetLetExactlyOneWin() throws Exception {
        for (int round = 0; round < 20; round++) {
            ReferenceLedger source = ledger("ledger-one");
            source.issue(BOND, "alice", 500);
            List<Callable<LedgerResult>> calls = new ArrayList<>();
            for (String s : List.of("x" + round, "y" + round)) {
                calls.add(() -> source.perform(req(LedgerAction.LOCK, s, "alice")));
            }
            long done = 0;
            for (Future<LedgerResult> f : pool.invokeAll(calls)) {
                done += f.get() instanceof LedgerResult.Done ? 1 : 0;
            }
            assertEquals(1, done, "round " + round);
        }
    }

    @Test
    void concurrentRepeatsOfOneRequestAgree() throws Exception {
        for (int round = 0; round < 20; round++) {
            ReferenceLedger target = ledger("ledger-two");
            String s = "s" + round;
            List<Callable<LedgerResult>> calls = List.of(
                    () -> target.perform(req(LedgerAction.CREATE, s, "gateway-two")),
                    () -> target.perform(req(LedgerAction.CREATE, s, "gateway-two")));
            List<Future<LedgerResult>> results = pool.invokeAll(calls);
            assertEquals(results.get(0).get(), results.get(1).get(), "round " + round);
            assertEquals(500, target.totalSupply(), "round " + round);
        }
    }
}
