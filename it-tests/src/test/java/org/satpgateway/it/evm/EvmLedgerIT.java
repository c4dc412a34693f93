package org.satpgateway.it.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.AssetView.AssetState;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerRecord;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.ledger.LedgerUnavailableException;
import org.satpgateway.it.support.Ports;
import org.satpgateway.launcher.HardhatNode;
import org.satpgateway.ledger.evm.AssetCustodyDeployer;
import org.satpgateway.ledger.evm.EvmLedger;

/**
 * The EVM ledger connector alone against real Hardhat nodes (no gateway): the rules of the reference ledger on the
 * contract, idempotence, check-before-redo after a restart, many transactions in flight from one account,
 * confirmations, a reorganisation, a node that hangs, and the checked-in contract build.
 */
class EvmLedgerIT {
    private static final GatewayKeyPair PROOF_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256, BigInteger.valueOf(777));
    private static final String BOND = "bond-2031-0001";
    private static final long AUTO_CHAIN = 31_337_001;
    private static final long INTERVAL_CHAIN = 31_337_002;
    private static final Path REPO = Path.of(System.getProperty("satp.repository", "..")).toAbsolutePath().normalize();

    private static HardhatNode auto;
    private static HardhatNode interval;
    private static Path work;
    /** The next unused funded account of each node (each test ledger signs with an account of its own). */
    private static final Map<Long, AtomicInteger> NEXT_ACCOUNT = Map.of(AUTO_CHAIN, new AtomicInteger(), INTERVAL_CHAIN, new AtomicInteger());

    private final List<EvmLedger> opened = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(32);

    @BeforeAll
    static void startNodes() throws Exception {
        work = Path.of(System.getProperty("satp.work", "target/it")).toAbsolutePath().resolve("evm-" + System.nanoTime());
        Files.createDirectories(work);
        Path evm = REPO.resolve("config/evm");
        HardhatNode.install(evm);
        auto = new HardhatNode(evm, work.resolve("hardhat-auto.log"), Ports.free(), AUTO_CHAIN, 0);
        interval = new HardhatNode(evm, work.resolve("hardhat-interval.log"), Ports.free(), INTERVAL_CHAIN, 1000);
        ExecutorService starter = Executors.newFixedThreadPool(2);
        try {
            Future<HardhatNode> a = starter.submit(auto::start);
            Future<HardhatNode> b = starter.submit(interval::start);
            a.get(120, TimeUnit.SECONDS);
            b.get(120, TimeUnit.SECONDS);
        } finally {
            starter.shutdownNow();
        }
    }

    @AfterAll
    static void stopNodes() {
        if (auto != null) {
            auto.stop();
        }
        if (interval != null) {
            interval.stop();
        }
    }

    @AfterEach
    void closeLedgers() {
        pool.shutdownNow();
        opened.forEach(EvmLedger::close);
    }

    /** A ledger on a freshly deployed contract, operated by an account of its own, with its journal. */
    private EvmLedger ledger(HardhatNode node, String network, int confirmations, long timeoutMs) {
        int account = NEXT_ACCOUNT.get(node.chainId()).getAndIncrement();
        String key = node.accountKey(account);
        String contract = AssetCustodyDeployer.deploy(node.url(), node.chainId(), key);
        return open(node, network, contract, key, journal(node, account), confirmations, timeoutMs);
    }

    private static Path journal(HardhatNode node, int account) {
        return work.resolve("journal-" + node.chainId() + "-" + account);
    }

    private EvmLedger open(HardhatNode node, String network, String contract, String key, Path journal, int confirmations,
            long timeoutMs) {
        EvmLedger l = new EvmLedger(new EvmLedger.Settings(node.url(), node.chainId(), contract, key, confirmations,
                Duration.ofMillis(timeoutMs), BigInteger.valueOf(600_000)), network, PROOF_KEY, new MessageCodec(), journal);
        opened.add(l);
        return l;
    }

    private EvmLedger ledger(String network) {
        return ledger(auto, network, 1, 5_000);
    }

    private static LedgerRequest req(LedgerAction action, String session, String owner) {
        return new LedgerRequest(action, session, BOND, 500, owner);
    }

    /** Performs until the result is final (the gateway asks again the same way). */
    private static LedgerResult settle(EvmLedger ledger, LedgerRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            LedgerResult r = ledger.perform(request);
            if (r.isFinal()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still pending after 30 s: " + r);
            }
            Thread.sleep(100);
        }
    }

    private static long txCount(HardhatNode node, String account) throws Exception {
        Matcher m = Pattern.compile("\"result\":\"0x([0-9a-f]+)\"").matcher(
                node.rpc("eth_getTransactionCount", "[\"" + account + "\",\"latest\"]"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1), 16);
    }

    private static String rpcResult(HardhatNode node, String method, String params) throws Exception {
        String answer = node.rpc(method, params);
        Matcher m = Pattern.compile("\"result\":\"?([^\",}]*)").matcher(answer);
        assertTrue(m.find(), answer);
        return m.group(1);
    }

    // ---- the rules of the reference ledger, on the contract ----------------------------------------------------

    @Test
    void aTransferMovesTheAssetAndEveryStepHasASignedRecord() {
        EvmLedger source = ledger("ledger-one");
        EvmLedger target = ledger("ledger-two");
        source.issue(BOND, "alice@bank-one", 500);
        String s = "session-1";

        LedgerResult.Done lock = assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.LOCK, s, "alice@bank-one")));
        assertEquals(AssetState.LOCKED, source.asset(BOND).orElseThrow().state());
        assertEquals(s, source.asset(BOND).orElseThrow().lockedBy());
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.CREATE, s, "gateway-two")));
        assertEquals(1000, source.totalSupply() + target.totalSupply(), "locked on one side, created on the other");
        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.EXTINGUISH, s, "alice@bank-one")));
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.ASSIGN, s, "bob@bank-two")));

        assertEquals(AssetState.BURNED, source.asset(BOND).orElseThrow().state());
        assertEquals("bob@bank-two", target.asset(BOND).orElseThrow().owner());
        assertEquals(s, target.asset(BOND).orElseThrow().createdBy());
        assertEquals(0, source.totalSupply());
        assertEquals(500, target.totalSupply());
        assertEquals(List.of("lock", "extinguish"), source.history(BOND).stream().map(LedgerRecord::action).toList());
        assertEquals(List.of("create", "assign"), target.history(BOND).stream().map(LedgerRecord::action).toList());
        assertTrue(EvmLedger.proofHolds(lock.receipt(), lock.proof(), source.proofKey()));
        assertFalse(EvmLedger.proofHolds(lock.receipt().replace("lock", "unlock"), lock.proof(), source.proofKey()));
        assertTrue(lock.receipt().contains("\"chainId\":" + AUTO_CHAIN) && lock.receipt().contains("\"txHash\":\"0x")
                && lock.receipt().contains("\"blockHash\":\"0x") && lock.receipt().contains("\"network\":\"ledger-one\""), lock.receipt());
        assertTrue(source.transferable(BOND, "alice@bank-one", 500).isPresent(), "a burned asset is not transferable");
        assertTrue(target.transferable(BOND, "bob@bank-two", 500).isEmpty());
        assertEquals("err_2.2.7", target.transferable(BOND, "bob@bank-two", 499).orElseThrow().error().code());
    }

    @Test
    void anUndoRefusesWhenTheAssetIsNoLongerTheSessionsToUndo() {
        EvmLedger source = ledger("ledger-one");
        EvmLedger target = ledger("ledger-two");
        source.issue(BOND, "alice", 500);
        source.perform(req(LedgerAction.LOCK, "s", "alice"));
        source.perform(req(LedgerAction.EXTINGUISH, "s", "alice"));
        LedgerResult.Failed unlock = assertInstanceOf(LedgerResult.Failed.class,
                source.perform(req(LedgerAction.UNLOCK, "s", "alice")), "unlocking a burned asset is never a success");
        assertTrue(unlock.reason().contains("BURNED"), unlock.reason());
        assertEquals("err_0.2.8", unlock.errorCode());
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
    void recordedTellsEveryActionOfASessionWithoutActingAndRefusalsCarryTheirCode() {
        EvmLedger source = ledger("ledger-one");
        LedgerResult.Failed missing = (LedgerResult.Failed) source.perform(req(LedgerAction.LOCK, "early", "alice"));
        assertEquals("err_2.2.7", missing.errorCode());
        source.issue(BOND, "alice", 500);
        assertEquals(missing, source.perform(req(LedgerAction.LOCK, "early", "alice")), "a refused request stays refused");
        assertEquals("err_2.2.7", ((LedgerResult.Failed) source.perform(req(LedgerAction.LOCK, "thief", "mallory"))).errorCode());

        assertEquals(Map.of(), source.recorded("s"));
        LedgerResult lock = source.perform(req(LedgerAction.LOCK, "s", "alice"));
        assertInstanceOf(LedgerResult.Done.class, lock);
        assertEquals("err_2.2.8", ((LedgerResult.Failed) source.perform(req(LedgerAction.LOCK, "b", "alice"))).errorCode());
        assertEquals("s", source.asset(BOND).orElseThrow().lockedBy());
        LedgerResult burn = source.perform(req(LedgerAction.EXTINGUISH, "s", "alice"));
        assertEquals(Map.of(LedgerAction.LOCK, lock, LedgerAction.EXTINGUISH, burn), source.recorded("s"));
        assertEquals(Map.of(LedgerAction.LOCK, missing), source.recorded("early"));
        assertEquals(AssetState.BURNED, source.asset(BOND).orElseThrow().state());
    }

    @Test
    void theSameRequestTwiceActsOnceAndAnswersTheSame() {
        EvmLedger source = ledger("ledger-one");
        source.issue(BOND, "alice", 500);
        LedgerResult first = source.perform(req(LedgerAction.LOCK, "s", "alice"));
        LedgerResult again = source.perform(req(LedgerAction.LOCK, "s", "alice"));
        assertInstanceOf(LedgerResult.Done.class, first);
        assertEquals(first, again);
        assertEquals(first, source.query(LedgerAction.LOCK.key("s")).orElseThrow());
        assertEquals(1, source.history(BOND).size());
        source.perform(req(LedgerAction.UNLOCK, "s", "alice"));
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertEquals(first, source.perform(req(LedgerAction.LOCK, "s", "alice")), "a repeated lock after the unlock does not lock again");
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertEquals(List.of("lock", "unlock"), source.history(BOND).stream().map(LedgerRecord::action).toList());
    }

    @Test
    void undoingWhatNeverHappenedSucceedsWithoutEffectAndRefusesTheLateAction() {
        EvmLedger source = ledger("ledger-one");
        EvmLedger target = ledger("ledger-two");
        source.issue(BOND, "alice", 500);
        assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.UNLOCK, "late", "alice")));
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertInstanceOf(LedgerResult.Done.class, target.perform(req(LedgerAction.EXTINGUISH, "late", "gateway-two")));
        assertTrue(target.asset(BOND).isEmpty());
        assertEquals(500, source.totalSupply() + target.totalSupply());

        // the late actions arrive after their undo: refused, so rollback stays rolled back
        LedgerResult.Failed lateLock = assertInstanceOf(LedgerResult.Failed.class, source.perform(req(LedgerAction.LOCK, "late", "alice")));
        assertEquals("err_0.2.8", lateLock.errorCode());
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertInstanceOf(LedgerResult.Failed.class, target.perform(req(LedgerAction.CREATE, "late", "gateway-two")));
        assertTrue(target.asset(BOND).isEmpty());
        assertEquals(500, source.totalSupply() + target.totalSupply());
    }

    @Test
    void aBurnWithoutThisSessionsLockIsRefused() {
        EvmLedger source = ledger("ledger-one");
        source.issue(BOND, "alice", 500);
        source.perform(req(LedgerAction.LOCK, "a", "alice"));
        source.perform(req(LedgerAction.UNLOCK, "a", "alice"));
        assertInstanceOf(LedgerResult.Failed.class, source.perform(req(LedgerAction.EXTINGUISH, "a", "alice")));
        assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state());
        assertEquals(500, source.totalSupply());
    }

    @Test
    void concurrentLocksOfOneAssetLetExactlyOneWinAndConcurrentRepeatsAgree() throws Exception {
        EvmLedger source = ledger("ledger-one");
        for (int round = 0; round < 3; round++) {
            String asset = "bond-" + round;
            source.issue(asset, "alice", 500);
            List<Callable<LedgerResult>> calls = new ArrayList<>();
            for (String s : List.of("x" + round, "y" + round, "x" + round, "y" + round)) {
                calls.add(() -> source.perform(new LedgerRequest(LedgerAction.LOCK, s, asset, 500, "alice")));
            }
            List<LedgerResult> results = new ArrayList<>();
            for (Future<LedgerResult> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
            // a repeat that ran while its twin's transaction was not mined yet may answer pending: asked again, it
            // answers what its twin answered (the gateway itself never performs one key twice at once)
            for (int i = 0; i < results.size(); i++) {
                String s = List.of("x" + round, "y" + round, "x" + round, "y" + round).get(i);
                for (int ask = 0; ask < 50 && results.get(i) instanceof LedgerResult.Pending; ask++) {
                    Thread.sleep(100);
                    results.set(i, source.perform(new LedgerRequest(LedgerAction.LOCK, s, asset, 500, "alice")));
                }
            }
            assertEquals(results.get(0), results.get(2), "round " + round);
            assertEquals(results.get(1), results.get(3), "round " + round);
            assertEquals(1, results.stream().limit(2).filter(LedgerResult.Done.class::isInstance).count(), "round " + round);
            assertEquals(1, source.history(asset).size(), "round " + round);
        }
    }

    // ---- the chain: confirmations, restarts, reorganisations, a hanging node ----------------------------------

    @Test
    void anActionIsPendingUntilItHasItsConfirmations() throws Exception {
        EvmLedger source = ledger(auto, "ledger-one", 3, 5_000);
        source.issue(BOND, "alice", 500);
        LedgerResult.Pending first = assertInstanceOf(LedgerResult.Pending.class, source.perform(req(LedgerAction.LOCK, "s", "alice")));
        assertTrue(first.reference().matches("0x[0-9a-f]{64}:\\d+"), first.reference());
        assertEquals(first, source.query(LedgerAction.LOCK.key("s")).orElseThrow(),
                "a submitted action that is not final is known as pending: it has started");
        assertEquals(Map.of(LedgerAction.LOCK, first), source.recorded("s"));
        auto.rpc("evm_mine", "[]");
        assertEquals(first, source.perform(req(LedgerAction.LOCK, "s", "alice")), "two blocks: still pending");
        auto.rpc("evm_mine", "[]");
        LedgerResult.Done done = assertInstanceOf(LedgerResult.Done.class, source.perform(req(LedgerAction.LOCK, "s", "alice")));
        assertTrue(done.receipt().contains(first.reference().substring(0, 66)), done.receipt());
        assertEquals(done, source.query(LedgerAction.LOCK.key("s")).orElseThrow());
    }

    @Test
    void aReorganisationIsNoticedAndTheActionEndsDoneOnce() throws Exception {
        EvmLedger source = ledger(auto, "ledger-one", 2, 5_000);
        source.issue(BOND, "alice", 500);
        List<String> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger(EvmLedger.class.getName());
        log.addHandler(capture);
        try {
            String snapshot = rpcResult(auto, "evm_snapshot", "[]");
            LedgerResult.Pending before = assertInstanceOf(LedgerResult.Pending.class, source.perform(req(LedgerAction.LOCK, "s", "alice")));
            assertEquals(AssetState.LOCKED, source.asset(BOND).orElseThrow().state());
            assertEquals("true", rpcResult(auto, "evm_revert", "[\"" + snapshot + "\"]"));
            assertEquals(AssetState.FREE, source.asset(BOND).orElseThrow().state(), "the block of the lock is gone");

            LedgerResult.Pending again = assertInstanceOf(LedgerResult.Pending.class, source.perform(req(LedgerAction.LOCK, "s", "alice")));
            assertTrue(warnings.stream().anyMatch(w -> w.contains("no longer on the chain")), warnings.toString());
            assertEquals(before.reference(), again.reference(), "the same signed transaction, broadcast again");
            auto.rpc("evm_mine", "[]");
            LedgerResult.Done done = assertInstanceOf(LedgerResult.Done.class, settle(source, req(LedgerAction.LOCK, "s", "alice")));
            assertEquals(done, source.perform(req(LedgerAction.LOCK, "s", "alice")));
            assertEquals(AssetState.LOCKED, source.asset(BOND).orElseThrow().state());
            assertEquals(List.of("lock"), source.history(BOND).stream().map(LedgerRecord::action).toList(), "acted once");
            assertEquals(500, source.totalSupply());
            // the account goes on with the next nonce, without a gap
            assertInstanceOf(LedgerResult.Done.class, settleAfterMining(source, req(LedgerAction.UNLOCK, "other", "alice")));
        } finally {
            log.removeHandler(capture);
        }
    }

    private static LedgerResult settleAfterMining(EvmLedger ledger, LedgerRequest request) throws Exception {
        LedgerResult r = ledger.perform(request);
        auto.rpc("evm_mine", "[]");
        return r.isFinal() ? r : settle(ledger, request);
    }

    @Test
    void aRestartedConnectorFindsWhatWasBroadcastAndDoesNotActTwice() throws Exception {
        int account = NEXT_ACCOUNT.get(INTERVAL_CHAIN).getAndIncrement();
        String key = interval.accountKey(account);
        String contract = AssetCustodyDeployer.deploy(interval.url(), INTERVAL_CHAIN, key);
        Path journal = journal(interval, account);
        EvmLedger first = open(interval, "ledger-one", contract, key, journal, 1, 5_000);
        first.issue(BOND, "alice", 500);
        long sentBefore = txCount(interval, first.account());

        LedgerResult.Pending pending = assertInstanceOf(LedgerResult.Pending.class, first.perform(req(LedgerAction.LOCK, "s", "alice")));
        first.close(); // the gateway stops before it reads the result
        opened.remove(first);

        EvmLedger second = open(interval, "ledger-one", contract, key, journal, 1, 5_000);
        LedgerResult again = second.perform(req(LedgerAction.LOCK, "s", "alice"));
        if (again instanceof LedgerResult.Pending p) {
            assertEquals(pending.reference(), p.reference(), "the broadcast transaction is found, not sent again");
        }
        LedgerResult.Done done = assertInstanceOf(LedgerResult.Done.class, settle(second, req(LedgerAction.LOCK, "s", "alice")));
        assertTrue(done.receipt().contains(pending.reference().substring(0, 66)));
        assertEquals(sentBefore + 1, txCount(interval, second.account()), "one transaction for the lock");

        // the node loses a transaction from its pool: the same signed bytes go out again
        LedgerResult.Pending unlock = assertInstanceOf(LedgerResult.Pending.class, second.perform(req(LedgerAction.UNLOCK, "s", "alice")));
        interval.rpc("hardhat_dropTransaction", "[\"" + unlock.reference().substring(0, 66) + "\"]");
        assertEquals(unlock, second.perform(req(LedgerAction.UNLOCK, "s", "alice")));
        assertInstanceOf(LedgerResult.Done.class, settle(second, req(LedgerAction.UNLOCK, "s", "alice")));
        assertEquals(sentBefore + 2, txCount(interval, second.account()));
        assertEquals(List.of("lock", "unlock"), second.history(BOND).stream().map(LedgerRecord::action).toList());
    }

    @Test
    void aHangingNodeMakesTheLedgerUnavailableAndTheActionCompletesWhenItResumes() throws Exception {
        EvmLedger source = ledger(auto, "ledger-one", 1, 1_500);
        source.issue(BOND, "alice", 500);
        auto.pause();
        long t0 = System.nanoTime();
        try {
            assertThrows(LedgerUnavailableException.class, () -> source.perform(req(LedgerAction.LOCK, "s", "alice")));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 4_000, "unavailable after " + ms + " ms");
            assertThrows(LedgerUnavailableException.class, source::totalSupply);
        } finally {
            auto.resume();
        }
        assertInstanceOf(LedgerResult.Done.class, settle(source, req(LedgerAction.LOCK, "s", "alice")));
        assertEquals(AssetState.LOCKED, source.asset(BOND).orElseThrow().state());
        assertEquals(1, source.history(BOND).size());
    }

    // ---- many transfers in flight through one account ----------------------------------------------------------

    @Test
    void thirtyTwoTransfersInFlightWithAutomine() throws Exception {
        manyTransfers(auto);
    }

    @Test
    void thirtyTwoTransfersInFlightWithOneSecondBlocks() throws Exception {
        manyTransfers(interval);
    }

    private void manyTransfers(HardhatNode node) throws Exception {
        int n = 32;
        EvmLedger source = ledger(node, "ledger-one", 1, 10_000);
        EvmLedger target = ledger(node, "ledger-two", 1, 10_000);
        List<Callable<Void>> issues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String asset = "bond-" + i;
            issues.add(() -> {
                source.issue(asset, "alice", 100);
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(issues)) {
            f.get();
        }
        assertEquals(100L * n, source.totalSupply());

        long t0 = System.nanoTime();
        List<Callable<List<LedgerResult>>> transfers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String asset = "bond-" + i;
            String s = "transfer-" + i;
            transfers.add(() -> List.of(
                    settle(source, new LedgerRequest(LedgerAction.LOCK, s, asset, 100, "alice")),
                    settle(target, new LedgerRequest(LedgerAction.CREATE, s, asset, 100, "gateway-two")),
                    settle(source, new LedgerRequest(LedgerAction.EXTINGUISH, s, asset, 100, "alice")),
                    settle(target, new LedgerRequest(LedgerAction.ASSIGN, s, asset, 100, "bob"))));
        }
        int done = 0;
        List<String> failures = new ArrayList<>();
        for (Future<List<LedgerResult>> f : pool.invokeAll(transfers)) {
            try {
                for (LedgerResult r : f.get()) {
                    if (r instanceof LedgerResult.Done) {
                        done++;
                    } else {
                        failures.add(r.toString());
                    }
                }
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(String.valueOf(e.getCause()));
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("EvmLedgerIT: %d transfers (4 actions each) through one account per ledger, %s: %d ms, %d done, failures %s%n",
                n, node == auto ? "automine" : "1 s blocks", ms, done, failures);
        assertEquals(List.of(), failures);
        assertEquals(4 * n, done);
        assertEquals(0, source.totalSupply());
        assertEquals(100L * n, target.totalSupply(), "the supply of the two ledgers is unchanged");
        for (int i = 0; i < n; i++) {
            assertEquals("bob", target.asset("bond-" + i).orElseThrow().owner());
        }
        assertNotEquals(0, ms);
    }

    // ---- the checked-in contract build -------------------------------------------------------------------------

    @Test
    void theCheckedInContractBuildIsWhatSolcMakesOfTheSource() throws Exception {
        Path fresh = work.resolve("solc-out");
        Process p = new ProcessBuilder("node", "compile.js", fresh.toString()).directory(REPO.resolve("config/evm").toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("compile.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "solc took more than 120 s");
        assertEquals(0, p.exitValue(), Files.readString(work.resolve("compile.log")));
        Path checkedIn = REPO.resolve("ejb/src/main/resources/org/satpgateway/ledger/evm");
        for (String file : List.of("AssetCustody.abi.json", "AssetCustody.bin")) {
            assertEquals(Files.readString(checkedIn.resolve(file)), Files.readString(fresh.resolve(file)),
                    file + " differs from a fresh build: run node compile.js in config/evm and commit the result");
        }
    }
}
