package org.satpgateway.it.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;
import org.satpgateway.launcher.HardhatNode;
import org.satpgateway.launcher.Layout;

/**
 * Two gateways on two EVM chains (Hardhat nodes, a block every 500 ms, an action done after 2 confirmations), each
 * moving assets through its own {@code AssetCustody} contract with the EVM connector: a transfer, 32 at once through
 * one account per gateway (with {@code -Dsatp.evm.crash.set=all}), a kill -9 at the connector's crash points on either side (the transaction sent and its
 * receipt not logged; the receipt seen and the step not committed), and a chain that hangs for 30 s in the middle of
 * a transfer. After each: the asset lives on exactly one chain, the supply of both chains together is unchanged, and
 * nothing was minted twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvmGatewaysIT {
    private static final long BLOCK_MS = 500;
    private static final int CONFIRMATIONS = 2;

    private Embedded embedded;
    private GatewayClient g1;
    private GatewayClient g2;
    private final Map<String, Integer> agentPorts = new HashMap<>();
    private final List<String> summary = new ArrayList<>();

    /**
     * The connector's crash points, on either side. {@code mvn verify} runs one of each kind, one on each side
     * ({@code -Dsatp.evm.crash.set=ci}, the default); {@code -Dsatp.evm.crash.set=all} runs all four.
     */
    static Stream<CrashPoint> points() {
        List<CrashPoint> all = List.of(
                submitted("G1", "LOCK"), done("G1", "EXTINGUISH"),
                submitted("G2", "CREATE"), done("G2", "ASSIGN"));
        if (System.getProperty("satp.evm.crash.set", "ci").equals("all")) {
            return all.stream();
        }
        return Stream.of(all.get(0), all.get(3));
    }

    private static CrashPoint submitted(String side, String action) {
        return new CrashPoint(side + "-" + action + "-sent-receipt-not-logged", side, CrashPoint.LEDGER + "AT EXIT\n",
                "$1.action().name().equals(\"" + action + "\") AND !$!.isFinal()",
                side + " sent its " + action.toLowerCase() + " transaction; its receipt is not logged", 300, false,
                null, null, null);
    }

    /**
     * The step that learns the action is final (the poll's perform, or the ledger asked before a step) has logged its
     * result in its transaction and not committed: the log entry {@code <action> done} is appended.
     */
    private static CrashPoint done(String side, String action) {
        return new CrashPoint(side + "-" + action + "-receipt-seen-step-not-committed", side,
                CrashPoint.APPEND + "AT EXIT\n", "$1.toString().contains(\"type=" + action.toLowerCase(java.util.Locale.ROOT)
                        + ", operation=DONE\")",
                side + " saw its " + action.toLowerCase() + " final on the chain and logged it; the step has not committed",
                300, false, null, null, null);
    }

    @BeforeAll
    void start() throws Exception {
        Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("evm-" + System.nanoTime());
        Layout layout = new Layout(Path.of(System.getProperty("satp.repository"))).check();
        Map<String, String> timers = Map.of("gateway.retry-base-ms", "1000", "gateway.ledger.poll-ms", "300");
        embedded = new Embedded(layout, Embedded.Options.freePorts(work).withSettings(timers, timers)
                .withEvmLedgers(Embedded.Evm.freePorts(BLOCK_MS, CONFIRMATIONS)));
        Path rules = CrashAgent.startRules(work, "evm-crash-points.btm", points());
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            agentPorts.put(g.name(), CrashAgent.attach(g, rules));
        }
        Duration up = embedded.start(Duration.ofMinutes(4));
        System.out.printf("[evm] both gateways up in %d ms on chains %d and %d (%s)%n", up.toMillis(),
                embedded.chain1().chainId(), embedded.chain2().chainId(), work);
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @AfterAll
    void stop() {
        summary.forEach(System.out::println);
        if (embedded != null) {
            embedded.close();
        }
    }

    @Test
    void aTransferBetweenTwoChainsCompletesAndEachActionWasSubmittedBeforeItWasDone() throws Exception {
        String asset = issue();
        long supply = supply();
        long t0 = System.nanoTime();
        String id = submit(asset, "evm-one-" + asset);
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(90), Transfers::completed);
        summary.add(String.format("[evm] one transfer: %d ms", (System.nanoTime() - t0) / 1_000_000));
        assertOnOneChain(asset, supply, true, "one transfer");
        List<String> entries1 = Transfers.ledgerEntries(g1.transfer(id).orElseThrow());
        List<String> entries2 = Transfers.ledgerEntries(g2.transfer(id).orElseThrow());
        for (String action : List.of("lock", "extinguish")) {
            assertTrue(entries1.stream().anyMatch(e -> e.startsWith(action + "@") && e.endsWith(" exec")),
                    () -> "G1 logged its " + action + " as submitted: " + entries1);
            assertTrue(entries1.contains(action + " done"), () -> "G1 logged its " + action + " done: " + entries1);
        }
        for (String action : List.of("create", "assign")) {
            assertTrue(entries2.stream().anyMatch(e -> e.startsWith(action + "@") && e.endsWith(" exec")),
                    () -> "G2 logged its " + action + " as submitted: " + entries2);
            assertTrue(entries2.contains(action + " done"), () -> "G2 logged its " + action + " done: " + entries2);
        }
    }

    /**
     * With {@code -Dsatp.evm.crash.set=all}; {@code mvn verify} runs 32 in flight through one account on real nodes in
     * {@code EvmLedgerIT} (the connector alone), to keep the suite's time.
     */
    @Test
    void thirtyTwoTransfersAtOnceThroughOneAccountPerGateway() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("satp.evm.crash.set", "ci").equals("all"),
                "runs with -Dsatp.evm.crash.set=all; EvmLedgerIT runs 32 in flight in mvn verify");
        long supply;
        int n = 32;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> issued = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                issued.add(pool.submit(this::issue));
            }
            List<String> assets = new ArrayList<>();
            for (Future<String> f : issued) {
                assets.add(f.get(120, TimeUnit.SECONDS));
            }
            supply = supply();
            long t0 = System.nanoTime();
            List<Future<String>> submitted = new ArrayList<>();
            for (String asset : assets) {
                submitted.add(pool.submit(() -> submit(asset, "evm-many-" + asset)));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : submitted) {
                ids.add(f.get(120, TimeUnit.SECONDS));
            }
            for (String id : ids) {
                Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(180), Transfers::completed);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            summary.add(String.format("[evm] %d transfers at once: all completed in %d ms (%.1f transfers/s)", n, ms,
                    n * 1000.0 / ms));
            for (String asset : assets) {
                assertOnOneChain(asset, -1, true, "transfer of " + asset);
            }
            assertEquals(supply, supply(), "the supply of both chains together is unchanged");
            for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
                String log = Files.readString(g.log()).toLowerCase(java.util.Locale.ROOT);
                assertFalse(log.contains("nonce too low"), g.name() + " met no nonce too low");
                assertFalse(log.contains("replacement transaction"), g.name() + " replaced no transaction");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void theTransferEndsOnceAfterAKillAtAConnectorCrashPoint(CrashPoint point) throws Exception {
        GatewayNode crashed = point.gateway().equals("G1") ? embedded.g1() : embedded.g2();
        String asset = issue();
        long supply = supply();
        CrashAgent.arm(agentPorts.get(crashed.name()), point);
        String id = submit(asset, "evm-crash-" + asset);
        if (!crashed.process().waitFor(90, TimeUnit.SECONDS)) {
            CrashAgent.arm(agentPorts.get(crashed.name()), "none"); // the other tests run on
            throw new AssertionError(point.name() + ": the point was never reached");
        }
        assertEquals(137, crashed.process().exitValue(), point.name() + ": the JVM halted at the point");
        assertTrue(Files.readString(crashed.log()).contains("SATP-CRASH " + point.name()), "halted by the rule");
        long restartAt = System.nanoTime();
        crashed.launch();
        crashed.awaitReady(Embedded.client(crashed), Duration.ofMinutes(4));
        long readyAt = System.nanoTime();
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::completed);
        summary.add(String.format("[evm-crash] %-50s restart->ready %5d ms, ready->completed %6d ms", point.name(),
                (readyAt - restartAt) / 1_000_000, (System.nanoTime() - readyAt) / 1_000_000));
        assertOnOneChain(asset, supply, true, point.name());
        assertEquals(Transfers.messages(g1.transfer(id).orElseThrow()), Transfers.messages(g2.transfer(id).orElseThrow()),
                point.name() + ": both logs agree");
    }

    @Test
    void aChainThatHangsForThirtySecondsInTheMiddleOfATransferOnlyDelaysIt() throws Exception {
        String asset = issue();
        long supply = supply();
        String id = submit(asset, "evm-hang-" + asset);
        // wait until G1 has locked (the transfer is in the middle), then G2's chain stops answering for 30 s
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Transfers.ledgerEntries(g1.transfer(id).orElseThrow()).contains("lock done")) {
            assertTrue(System.nanoTime() < deadline, "G1 locked the asset");
            Thread.sleep(100);
        }
        HardhatNode chain = embedded.chain2();
        chain.pause();
        long pausedAt = System.nanoTime();
        try {
            // the chain hangs for 30 s; all that time the transfer waits and cannot end on G2
            long resumeAt = pausedAt + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < resumeAt) {
                JsonNode during = g2.transfer(id).orElse(null);
                assertTrue(during == null || !Transfers.ended(during.path("state").asText()),
                        () -> "the transfer cannot end while G2's chain hangs: " + during);
                Thread.sleep(Math.max(1, Math.min(1000, (resumeAt - System.nanoTime()) / 1_000_000)));
            }
        } finally {
            chain.resume();
        }
        long resumedAt = System.nanoTime();
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(180), Transfers::completed);
        summary.add(String.format("[evm] G2's chain hung %d ms in the middle of a transfer; completed %d ms after it"
                + " answered again", (resumedAt - pausedAt) / 1_000_000, (System.nanoTime() - resumedAt) / 1_000_000));
        assertOnOneChain(asset, supply, true, "chain hung");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private String issue() throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        GatewayClient.Answer a = g1.issue(asset, Transfers.ALICE, 100);
        assertEquals(201, a.status(), () -> "issued on chain one: " + a.body());
        return asset;
    }

    private String submit(String asset, String context) throws Exception {
        GatewayClient.Answer a = g1.submit(Transfers.job(asset, 100, context));
        assertEquals(202, a.status(), () -> "job accepted: " + a.body());
        return a.body().path("id").asText();
    }

    private long supply() throws Exception {
        return g1.totalSupply() + g2.totalSupply();
    }

    /** The asset lives on exactly one chain (bob's on chain two when completed), minted at most once; supply kept. */
    private void assertOnOneChain(String asset, long supplyBefore, boolean completed, String label) throws Exception {
        JsonNode source = g1.asset(asset).orElseThrow();
        Optional<JsonNode> target = g2.asset(asset);
        boolean onSource = !"BURNED".equals(source.path("state").asText());
        boolean onTarget = target.isPresent() && !"BURNED".equals(target.get().path("state").asText());
        assertTrue(onSource ^ onTarget, () -> label + ": the asset lives on exactly one chain: " + source + " / " + target);
        if (completed) {
            assertTrue(onTarget && Transfers.BOB.equals(target.get().path("owner").asText()), label + ": bob owns it");
        }
        JsonNode history = g2.get("api/v1/ledger/assets/" + asset + "/history").body();
        assertTrue(Transfers.count(history, "create") <= 1, () -> label + ": minted at most once: " + history);
        if (supplyBefore >= 0) {
            assertEquals(supplyBefore, supply(), label + ": the supply of both chains together is unchanged");
        }
    }
}
