package org.satpgateway.it.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.byteman.agent.submit.ScriptText;
import org.jboss.byteman.agent.submit.Submit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;

/**
 * The two alerts that need a fault to show, on real gateways (the crash tests' pair, whose JVMs carry the Byteman
 * agent; a rule is added to G2's running JVM for one test and removed after it):
 * <ul>
 * <li><b>xa-in-doubt</b>: G2's log database is slow to commit one two-phase transaction (the rule holds the XA commit
 * of a prepared branch for a few seconds): the prepared branch is seen at two checks in a row, the alert goes out
 * through Payara's notification service, and it clears once the commit is through; the transfer completes.</li>
 * <li><b>session-needs-operator</b>: G2's ledger does not take the assignment after G1 burned (the rule answers the
 * connector's perform with a failure; the ledger never sees the call). The transfer can only go forward, so both
 * gateways wait for an operator: the alert names the session on G2 and on G1, and no timer acts. The operator's retry
 * on G2 clears the alert in G2's log and performs the assignment again; the transfer completes with the asset on
 * ledger two only, minted once, and the supply unchanged.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CrashGateways.class)
class OperatorAlertsIT {
    private CrashGateways.Pair pair;
    private Embedded embedded;
    private GatewayClient g1;
    private GatewayClient g2;

    @BeforeAll
    void start(CrashGateways.Pair shared) {
        pair = shared;
        embedded = pair.embedded();
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @Test
    void aBranchOfTheLogThatStaysPreparedIsAnXaInDoubtAlertUntilItCommits() throws Exception {
        String flag = "satp-slow-commit-" + UUID.randomUUID();
        StringBuilder rules = new StringBuilder();
        for (String target : List.of("org.h2.jdbcx.JdbcXAConnection", "org.postgresql.xa.PGXAConnection")) {
            // the first two-phase commit after the rule is added waits 4 s between prepare and commit
            rules.append("RULE satp-slow-commit ").append(target).append('\n')
                    .append("CLASS ").append(target).append("\nMETHOD commit\nAT ENTRY\n")
                    .append("IF !$2 AND flag(\"").append(flag).append("\")\n")
                    .append("DO traceln(\"SATP-SLOW-COMMIT\");\n   delay(4000)\nENDRULE\n");
        }
        ScriptText rule = new ScriptText("slow-commit.btm", rules.toString());
        Submit agent = agent(embedded.g2());
        agent.addScripts(List.of(rule));
        String id;
        try {
            String asset = "bond-" + UUID.randomUUID();
            assertEquals(201, g1.issue(asset, Transfers.ALICE, 100).status());
            GatewayClient.Answer a = g1.submit(Transfers.job(asset, 100, "slow-commit-" + asset));
            assertEquals(202, a.status(), () -> String.valueOf(a.body()));
            id = a.body().path("id").asText();
            JsonNode alert = awaitAlert(g2, "xa-in-doubt", "log database", Duration.ofSeconds(60));
            assertTrue(alert.path("message").asText().contains("prepared transaction branch"), alert::toString);
            assertTrue(Files.readString(embedded.g2().log()).contains("SATP-SLOW-COMMIT"), "the commit was held");
        } finally {
            agent.deleteScripts(List.of(rule));
        }
        awaitLog(embedded.g2().log(), "LogNotifier", "SATP gateway: xa-in-doubt");
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::completed);
        awaitCleared(g2, "xa-in-doubt", "log database", Duration.ofSeconds(30));
    }

    @Test
    void aFailedAssignmentWaitsForAnOperatorWhoseRetryCompletesTheTransfer() throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.issue(asset, Transfers.ALICE, 100).status());
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        ScriptText rule = new ScriptText("refuse-assign.btm", "RULE satp-refuse-assign\n"
                + "INTERFACE ^org.satpgateway.core.ledger.LedgerConnector\nMETHOD perform\nAT ENTRY\n"
                + "IF $1.action().name().equals(\"ASSIGN\") AND $1.assetId().equals(\"" + asset + "\")\n"
                + "DO traceln(\"SATP-REFUSE-ASSIGN\");\n"
                + "   return new org.satpgateway.core.ledger.LedgerResult$Failed($1.action(), \"err_0.2.8\","
                + " \"the ledger did not take the assignment (test rule)\")\nENDRULE\n");
        Submit agent = agent(embedded.g2());
        agent.addScripts(List.of(rule));
        String id;
        try {
            GatewayClient.Answer a = g1.submit(Transfers.job(asset, 100, "refused-assign-" + asset));
            assertEquals(202, a.status(), () -> String.valueOf(a.body()));
            id = a.body().path("id").asText();
            JsonNode onG2 = awaitAlert(g2, "session-needs-operator", id, Duration.ofSeconds(90));
            assertTrue(onG2.path("message").asText().contains("assign failed"), onG2::toString);
            JsonNode onG1 = awaitAlert(g1, "session-needs-operator", id, Duration.ofSeconds(30));
            assertTrue(onG1.path("message").asText().contains("after the burn"), onG1::toString);
            awaitLog(embedded.g2().log(), "LogNotifier", "SATP gateway: session-needs-operator");
            assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText(), "G1 burned");
            assertTrue(!Transfers.BOB.equals(g2.asset(asset).map(x -> x.path("owner").asText()).orElse(null)),
                    "not assigned to bob yet");
            // nobody acts on their own: a few timer rounds later both sessions are where they were
            long g2Entries = history(g2, id).size();
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                assertEquals(g2Entries, history(g2, id).size(), "G2's log does not grow while it waits for an operator");
                Thread.sleep(500);
            }
        } finally {
            agent.deleteScripts(List.of(rule));
        }
        GatewayClient.Answer retried = g2.post("api/v1/admin/sessions/" + id + "/retry", Map.of());
        assertEquals(200, retried.status(), () -> String.valueOf(retried.body()));
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::completed);
        assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText());
        JsonNode target = g2.asset(asset).orElseThrow();
        assertEquals(Transfers.BOB, target.path("owner").asText());
        assertEquals("FREE", target.path("state").asText());
        assertEquals(supplyBefore, g1.totalSupply() + g2.totalSupply(), "total supply unchanged");
        JsonNode targetHistory = g2.get("api/v1/ledger/assets/" + asset + "/history").body();
        assertEquals(1, Transfers.count(targetHistory, "create"), "minted once");
        List<String> types = new ArrayList<>();
        history(g2, id).forEach(e -> types.add(e.path("type").asText()));
        assertTrue(types.stream().anyMatch(t -> t.startsWith("alert-cleared@")), () -> "G2's log: " + types);
        awaitCleared(g2, "session-needs-operator", id, Duration.ofSeconds(30));
        boolean audited = false;
        for (JsonNode x : g2.get("api/v1/admin/actions?session=" + id).body()) {
            audited |= "retry-session".equals(x.path("action").asText()) && "done".equals(x.path("outcome").asText());
        }
        assertTrue(audited, "the retry is in the operators' audit trail");
    }

    private Submit agent(GatewayNode g) {
        return new Submit("127.0.0.1", pair.agentPorts().get(g.name()));
    }

    private static JsonNode history(GatewayClient g, String id) throws Exception {
        return g.transfer(id).orElseThrow().path("history");
    }

    /** The alert of {@code kind} about {@code subject}, active or already cleared, once raised. */
    private static JsonNode awaitAlert(GatewayClient g, String kind, String subject, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode alerts = null;
        while (System.nanoTime() < deadline) {
            alerts = g.get("api/v1/admin/alerts").body();
            Optional<JsonNode> found = find(alerts, kind, subject, false);
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + kind + " alert about " + subject + ": " + alerts);
    }

    private static void awaitCleared(GatewayClient g, String kind, String subject, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode alerts = null;
        while (System.nanoTime() < deadline) {
            alerts = g.get("api/v1/admin/alerts").body();
            if (find(alerts, kind, subject, true).isEmpty()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(kind + " about " + subject + " still active: " + alerts);
    }

    private static Optional<JsonNode> find(JsonNode alerts, String kind, String subject, boolean activeOnly) {
        for (JsonNode a : alerts) {
            if (kind.equals(a.path("kind").asText()) && subject.equals(a.path("subject").asText())
                    && (!activeOnly || a.path("active").asBoolean())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static void awaitLog(Path log, String... parts) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log)) {
                if (List.of(parts).stream().allMatch(line::contains)) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no log line with " + List.of(parts) + " in " + log);
    }
}
