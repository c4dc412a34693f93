package org.satpgateway.it.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jboss.byteman.agent.submit.ScriptText;
import org.jboss.byteman.agent.submit.Submit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;

/**
 * Crash recovery on real processes: for each named crash point (docs/recovery.md), a transfer starts, the gateway
 * named by the point halts there (Byteman rule, {@code Runtime.halt(137)}), it is restarted on the same rootdir, and
 * the transfer must end: completed, or rolled back where the point keeps the gateway down past the deadline. After
 * each run: the asset lives on exactly one ledger, total supply across both ledgers is unchanged, nothing was minted
 * twice, and both logs agree on every message.
 *
 * <p>{@code -Dsatp.crash.set=ci} (default, {@code mvn verify}) runs a fixed representative subset;
 * {@code -Dsatp.crash.set=all} runs every point, {@code -Dsatp.crash.set=<name>,<name>} the points named. The gateways
 * ({@link CrashGateways}, shared with {@code KeyLossIT}) stay up between runs; only the crashed one restarts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CrashGateways.class)
class CrashMatrixIT {
    private CrashGateways.Pair pair;
    private Embedded embedded;
    private GatewayClient g1;
    private GatewayClient g2;
    private final List<String> summary = new ArrayList<>();

    Stream<CrashPoint> points() {
        String set = System.getProperty("satp.crash.set", "ci");
        List<String> names = set.equals("ci") ? CrashPoint.CI : List.of(set.split(","));
        List<String> known = CrashPoint.all().stream().map(CrashPoint::name).toList();
        if (!set.equals("all") && !known.containsAll(names)) {
            throw new IllegalArgumentException("unknown crash points " + names.stream().filter(n -> !known.contains(n)).toList());
        }
        return CrashPoint.all().stream().filter(p -> !CrashPoint.FOLLOW_UP_ONLY.contains(p.name()))
                .filter(p -> set.equals("all") || names.contains(p.name()));
    }

    @BeforeAll
    void start(CrashGateways.Pair shared) {
        pair = shared;
        embedded = pair.embedded();
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @AfterAll
    void report() {
        summary.forEach(System.out::println);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("points")
    void theTransferEndsCorrectlyAfterACrashAt(CrashPoint point) throws Exception {
        GatewayNode crashed = point.gateway().equals("G1") ? embedded.g1() : embedded.g2();
        String asset = "bond-" + UUID.randomUUID();
        long amount = 100;
        assertEquals(201, g1.issue(asset, Transfers.ALICE, amount).status());
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        Map<String, Object> job = new java.util.HashMap<>(Transfers.job(asset, amount, "crash-" + asset));
        job.put("deadlineSeconds", point.deadlineSeconds());

        arm(crashed, point.armed());
        long t0 = System.nanoTime();
        String id = submit(job).orElse(null);

        String submitted = id;
        assertTrue(crashed.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS),
                () -> point.name() + ": the point was never reached (state " + state(g1, submitted) + ")");
        assertEquals(137, crashed.process().exitValue(), point.name() + ": the JVM halted at the point");
        assertTrue(Files.readString(crashed.log()).contains("SATP-CRASH " + point.armed()), "halted by the rule");
        GatewayNode other = crashed == embedded.g1() ? embedded.g2() : embedded.g1();
        if (point.alsoKill() != null) {
            other.kill9();
        }
        CrashPoint followUp = point.followUp() == null ? null : CrashPoint.all().stream()
                .filter(p -> p.name().equals(point.followUp())).findFirst().orElseThrow();
        GatewayNode second = followUp == null ? null : followUp.gateway().equals("G1") ? embedded.g1() : embedded.g2();
        if (second != null && second != crashed) {
            arm(second, followUp.name());
        }
        if (point.downPastDeadline()) {
            long wait = t0 + Duration.ofSeconds(point.deadlineSeconds() + 2).toNanos() - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
        }
        long restartAt = System.nanoTime();
        if (second == crashed) {
            // armed from the restart's first instant: start-up recovery may reach the point before the gateway is ready
            List<String> plain = crashed.jvmOptions();
            crashed.jvmOptions(CrashAgent.armedFromStart(plain, followUp, pair.work())).launch();
            crashed.jvmOptions(plain);
        } else {
            crashed.launch();
        }
        if (point.alsoKill() != null) {
            other.launch();
            other.awaitReady(Embedded.client(other), Duration.ofMinutes(4));
        }
        if (second != crashed) {
            crashed.awaitReady(Embedded.client(crashed), Duration.ofMinutes(4));
        }
        if (second != null) {
            assertTrue(second.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS),
                    () -> point.name() + ": the second point " + followUp.name() + " was never reached");
            assertTrue(Files.readString(second.log()).contains("SATP-CRASH " + followUp.name()), "halted by the second rule");
            restartAt = System.nanoTime();
            second.launch();
            second.awaitReady(Embedded.client(second), Duration.ofMinutes(4));
        }
        long readyAt = System.nanoTime();
        if (id == null) {
            // the job's submission died with G1: the back office submits it again (same transferContextId)
            id = submit(job).orElseThrow(() -> new AssertionError("resubmission failed"));
        }
        String sessionId = id;
        awaitEnded(sessionId, Duration.ofSeconds(point.downPastDeadline() ? 180 : 120));
        long endedAt = System.nanoTime();
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            assertFalse(Files.readString(g.log()).contains("still in doubt"),
                    () -> point + ": " + g.name() + " reported XA branches of its log left in doubt after its restart");
        }

        JsonNode t1 = g1.transfer(sessionId).orElseThrow();
        JsonNode t2 = g2.transfer(sessionId).orElse(null);
        String s1 = t1.path("state").asText();
        String s2 = t2 == null ? "unknown to G2" : t2.path("state").asText();
        JsonNode source = g1.asset(asset).orElseThrow();
        Optional<JsonNode> target = g2.asset(asset);
        boolean onSource = !"BURNED".equals(source.path("state").asText());
        boolean onTarget = target.isPresent() && !"BURNED".equals(target.get().path("state").asText());
        assertTrue(onSource ^ onTarget, () -> point + ": the asset lives on exactly one ledger: source " + source
                + ", target " + target);
        assertEquals(supplyBefore, g1.totalSupply() + g2.totalSupply(), point + ": total supply unchanged");
        JsonNode targetHistory = g2.get("api/v1/ledger/assets/" + asset + "/history").body();
        assertTrue(Transfers.count(targetHistory, "create") <= 1, point + ": minted at most once");
        if (point.expectsRollback()) {
            assertEquals("ROLLED_BACK", s1, () -> point + ": G1 " + t1);
            assertTrue(t2 == null || java.util.Set.of("ROLLED_BACK", "ABORTED").contains(s2), () -> point + ": G2 " + t2);
            assertTrue(onSource && "FREE".equals(source.path("state").asText()), point + ": unlocked on the source");
            assertTrue(Transfers.ALICE.equals(source.path("owner").asText()), point + ": alice owns it again");
        } else {
            assertEquals("COMPLETED", s1, () -> point + ": G1 " + t1);
            assertEquals("COMPLETED", s2, () -> point + ": G2 " + t2);
            assertTrue(onTarget && Transfers.BOB.equals(target.get().path("owner").asText()), point + ": bob owns it");
            assertEquals(Transfers.messages(t1), Transfers.messages(t2), point + ": both logs agree");
        }
        summary.add(String.format("[crash] %-46s G1 %-11s G2 %-11s restart->ready %5d ms, ready->ended %6d ms,"
                + " recovery entries G1 %d G2 %d", point.name(), s1, s2, (readyAt - restartAt) / 1_000_000,
                (endedAt - readyAt) / 1_000_000, t1.path("recoveries").size(), t2 == null ? 0 : t2.path("recoveries").size()));
    }

    /**
     * A peer message whose step fails on every delivery for a reason retrying does not cure (a rule added to G2's
     * running JVM throws in the step of this transfer's transfer-commence-msg): on the broker's last delivery G2
     * answers {@code err_0.2.9} instead of leaving G1 to wait, the message goes to the dead-letter queue with its
     * failures recorded, and G1 rolls the transfer back (nothing was locked yet). Runs with the CI set and with all.
     */
    @Test
    void aMessageWhoseStepFailsOnEveryDeliveryIsAnswered() throws Exception {
        String set = System.getProperty("satp.crash.set", "ci");
        Assumptions.assumeTrue(set.equals("ci") || set.equals("all"), "runs with the CI set and with all points");
        String asset = "bond-" + UUID.randomUUID();
        String context = "unprocessable-" + asset;
        assertEquals(201, g1.issue(asset, Transfers.ALICE, 100).status());
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        ScriptText rule = new ScriptText("unprocessable.btm", "RULE satp-unprocessable\n"
                + "CLASS org.satpgateway.ejb.step.StepService\nMETHOD receive(String)\nAT ENTRY\n"
                + "IF $1.contains(\"" + context + "\") AND $1.contains(\"transfer-commence-msg\")\n"
                + "DO throw new java.lang.IllegalStateException(\"a step that fails on every delivery (test rule)\")\n"
                + "ENDRULE\n");
        Submit agent = new Submit("127.0.0.1", pair.agentPorts().get(embedded.g2().name()));
        agent.addScripts(List.of(rule));
        try {
            GatewayClient.Answer a = g1.submit(Transfers.job(asset, 100, context));
            assertEquals(202, a.status(), () -> String.valueOf(a.body()));
            String id = a.body().path("id").asText();
            awaitEnded(id, Duration.ofSeconds(120));
            JsonNode t1 = g1.transfer(id).orElseThrow();
            assertTrue(java.util.Set.of("ROLLED_BACK", "ABORTED").contains(t1.path("state").asText()), () -> "G1 " + t1);
            boolean answered = false;
            for (JsonNode e : t1.path("history")) {
                answered |= e.path("type").asText().startsWith("error-msg@");
            }
            assertTrue(answered, () -> "G1 logged G2's error-msg: " + t1);
            JsonNode source = g1.asset(asset).orElseThrow();
            assertEquals("FREE", source.path("state").asText(), "the asset was never locked, or was unlocked");
            assertEquals(Transfers.ALICE, source.path("owner").asText());
            assertTrue(g2.asset(asset).isEmpty() || "BURNED".equals(g2.asset(asset).get().path("state").asText()),
                    "nothing minted on G2's ledger, or burned again");
            assertEquals(supplyBefore, g1.totalSupply() + g2.totalSupply(), "total supply unchanged");
            JsonNode failed = g2.get("api/v1/admin/step-failures?limit=1000").body();
            long lastDeliveries = 0;
            for (JsonNode f : failed) {
                if (id.equals(f.path("sessionId").asText()) && f.path("deliveryCount").asInt() == 5) {
                    lastDeliveries++;
                    assertTrue(f.path("reason").asText().contains("a step that fails on every delivery"), f::toString);
                }
            }
            assertTrue(lastDeliveries >= 1, () -> "G2 recorded the last delivery's failure: " + failed);
            summary.add(String.format("[crash] %-46s G1 %-11s (answered err_0.2.9 on the last delivery)",
                    "G2-step-fails-on-every-delivery", t1.path("state").asText()));
        } finally {
            agent.deleteScripts(List.of(rule));
        }
    }

    /** Arms one point's rule in a gateway's running JVM (a system property set through the Byteman agent). */
    private void arm(GatewayNode g, String pointName) throws Exception {
        pair.arm(g, pointName);
    }

    private String state(GatewayClient g, String id) {
        try {
            return id == null ? "not submitted" : g.transfer(id).map(t -> t.path("state").asText()).orElse("unknown");
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Optional<String> submit(Map<String, Object> job) {
        try {
            GatewayClient.Answer a = g1.submit(job);
            return a.ok() ? Optional.of(a.body().path("id").asText()) : Optional.empty();
        } catch (IOException crashedMeanwhile) {
            return Optional.empty();
        }
    }

    private void awaitEnded(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String s1 = null;
        String s2 = null;
        while (System.nanoTime() < deadline) {
            s1 = g1.transfer(id).map(t -> t.path("state").asText()).orElse(null);
            s2 = g2.transfer(id).map(t -> t.path("state").asText()).orElse(null);
            boolean g2Done = Transfers.ended(s2) || (s2 == null && Transfers.ended(s1) && !"COMPLETED".equals(s1));
            if (Transfers.ended(s1) && g2Done) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("transfer " + id + " did not end within " + timeout + ": G1 " + s1 + " "
                + g1.transfer(id).map(JsonNode::toString).orElse("") + " / G2 " + s2);
    }
}
