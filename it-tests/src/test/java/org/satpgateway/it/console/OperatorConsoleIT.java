package org.satpgateway.it.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.it.support.SharedGateways;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;

/**
 * The operator's console on real gateways (the shared pair: G1 on the reference ledger, G2 on an EVM chain): the
 * metrics, health per dependency, the admin API's views, the MBeans over JMX (attached by pid, as JConsole does),
 * and each action an operator takes: intake paused (REST jobs answered 503, a JMS job kept in the broker) and
 * resumed over JMX, a forced rollback refused after the burn (through the API and an MBean) while a retry goes
 * through, a forced rollback before the burn that undoes the lock and the mint, every action recorded with who did it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedGateways.class)
class OperatorConsoleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_MBEAN = "org.satpgateway:type=Gateway";

    private Embedded embedded;
    private GatewayClient g1;
    private GatewayClient g2;

    @BeforeAll
    void start(Embedded shared) {
        embedded = shared;
        g1 = Embedded.client(shared.g1());
        g2 = Embedded.client(shared.g2());
    }

    @Test
    void metricsHealthAndTheAdminViewsShowATransfer() throws Exception {
        String id = Transfers.completeOne(g1, g2);

        GatewayClient.Answer anonymous = g1.as(null).get("metrics");
        assertEquals(401, anonymous.status(), "the metrics are for operators: " + anonymous.body());
        String m1 = awaitMetric(g1, "satp_certificate_days_left", "certificate=\"own TLS certificate\"");
        String m2 = metrics(g2);
        System.out.println("[console] G1 metrics:\n" + satpLines(m1));
        assertTrue(value(m1, "satp_sessions", "role=\"CLIENT\"", "state=\"COMPLETED\"") >= 1, "transfers ended by outcome");
        assertTrue(value(m2, "satp_sessions", "role=\"SERVER\"", "state=\"COMPLETED\"") >= 1);
        assertTrue(value(m1, "satp_step_duration_ms_count", "type=\"proposal-receipt-msg\"") >= 1, "step durations by type");
        assertTrue(value(m2, "satp_step_duration_ms_count", "type=\"transfer-proposal-msg\"") >= 1);
        for (String queue : List.of("satp.inbound", "satp.outbound", "satp.jobs", "DLQ")) {
            assertTrue(value(m1, "satp_queue_depth", "queue=\"" + queue + "\"") >= 0, queue);
        }
        for (String dependency : List.of("log-database", "broker", "ledger", "recovery")) {
            assertEquals(1.0, value(m1, "satp_dependency_up", "dependency=\"" + dependency + "\""), dependency);
        }
        assertEquals(0.0, value(m1, "satp_intake_paused"));
        assertTrue(value(m2, "satp_ledger_pending_actions") >= 0);
        assertTrue(value(m1, "satp_certificate_days_left", "certificate=\"own TLS certificate\"") > 30);

        // a message the counterpart's door refuses is counted by its SATP error code
        var door = org.satpgateway.launcher.PeerClient.as(embedded.g2(), embedded.g1()).post("{\"not\":\"a message\"}");
        assertTrue(door.status() >= 400 && door.status() < 500, () -> String.valueOf(door.body()));
        String code = door.body().path("type").asText().replace("urn:ietf:params:satp:core:error:", "");
        assertTrue(code.startsWith("err_"), () -> String.valueOf(door.body()));
        assertTrue(value(metrics(g1), "satp_peer_messages_refused_total", "code=\"" + code + "\"") >= 1, "refused by code");

        JsonNode ready = JSON.readTree(g1.get("health/ready").body().toString());
        List<String> checks = new ArrayList<>();
        ready.path("checks").forEach(c -> checks.add(c.path("name").asText() + "=" + c.path("status").asText()));
        assertTrue(checks.containsAll(List.of("satp-gateway-log-database=UP", "satp-gateway-broker=UP",
                "satp-gateway-ledger=UP", "satp-gateway-recovery=UP", "satp-gateway-peer=UP")), checks::toString);

        JsonNode overview = g1.get("api/v1/admin/overview").body();
        assertTrue(overview.path("gateway").path("ready").asBoolean(), overview::toString);
        assertTrue(overview.path("gateway").path("counts").path("completed").asLong() >= 1);
        assertTrue(overview.path("peer").path("reachable").asBoolean(), overview::toString);
        assertTrue(overview.path("peer").path("certificates").size() >= 3, overview::toString);
        assertEquals("self-healing", overview.path("lease").path("mode").asText());

        JsonNode rows = g1.get("api/v1/admin/sessions?q=" + id).body();
        assertEquals(1, rows.size(), rows::toString);
        assertEquals("COMPLETED", rows.get(0).path("state").asText());
        JsonNode detail = g1.get("api/v1/admin/sessions/" + id).body();
        List<String> sides = new ArrayList<>();
        detail.path("timeline").forEach(e -> sides.add(e.path("gateway").asText() + ":" + e.path("type").asText()));
        assertTrue(sides.contains("peer:proposal-receipt-msg") && sides.contains("this:transfer-proposal-msg")
                && sides.contains("this:lock"), "both gateways' steps and the ledger's: " + sides);

        // the back office's contract: the OpenAPI document with typed schemas
        GatewayClient.Answer openapi = g1.get("openapi?format=JSON");
        assertEquals(200, openapi.status());
        String document = openapi.body().toString();
        for (String part : List.of("\"/api/v1/transfers\"", "\"/api/v1/admin/sessions/{id}/rollback\"", "\"TransferJob\"",
                "\"Transfer\"", "\"Problem\"", "\"/api/v1/admin/overview\"")) {
            assertTrue(document.contains(part), () -> part + " in the OpenAPI document");
        }
        // the operators' views, typed from their records (RecordSchemas)
        JsonNode schemas = openapi.body().path("components").path("schemas");
        for (Map.Entry<String, List<String>> view : Map.of("Overview", List.of("gateway", "peer", "lease", "alerts"),
                "SessionRow", List.of("sessionId", "state", "step"), "TimelineEntry", List.of("gateway", "at", "type"),
                "Alert", List.of("kind", "severity", "subject", "active"), "DeadLetter", List.of("sessionId", "queue"),
                "ActionView", List.of("operator", "via", "outcome")).entrySet()) {
            JsonNode properties = schemas.path(view.getKey()).path("properties");
            for (String field : view.getValue()) {
                assertTrue(properties.has(field), () -> view.getKey() + "." + field + " in the OpenAPI document: "
                        + schemas.path(view.getKey()));
            }
        }
        assertEquals("date-time", schemas.path("Alert").path("properties").path("raised").path("format").asText());
        JsonNode overviewAnswer = openapi.body().path("paths").path("/api/v1/admin/overview").path("get").path("responses")
                .path("200").path("content").path("application/json").path("schema");
        assertEquals("#/components/schemas/Overview", overviewAnswer.path("$ref").asText(), overviewAnswer::toString);

        try (Jmx jmx = Jmx.attach(embedded.g1().pid())) {
            assertEquals(Boolean.TRUE, jmx.get(GATEWAY_MBEAN, "Ready"));
            assertTrue(((Number) jmx.get(GATEWAY_MBEAN, "SessionsCompleted")).longValue() >= 1);
            assertTrue(jmx.registered("org.satpgateway:type=Peer") && jmx.registered("org.satpgateway:type=DeadLetters"));
            assertEquals("gateway-two", jmx.get("org.satpgateway:type=Peer", "GatewayId"));
        }
    }

    @Test
    void aPausedIntakeAnswers503KeepsJmsJobsAndResumesOverJmx() throws Exception {
        String restAsset = issue();
        String jmsAsset = issue();
        JsonNode paused = g1.post("api/v1/admin/intake/pause", Map.of()).body();
        try {
            assertTrue(paused.path("paused").asBoolean(), paused::toString);
            assertEquals("launcher", paused.path("by").asText());

            GatewayClient.Answer refused = g1.submit(Transfers.job(restAsset, 3, "ctx-" + restAsset));
            assertEquals(503, refused.status(), () -> String.valueOf(refused.body()));
            assertEquals(30, refused.retryAfterSeconds());
            assertTrue(refused.body().path("detail").asText().contains("paused"), refused.body()::toString);

            String jmsContext = "ctx-" + jmsAsset;
            try (ActiveMQConnectionFactory cf = embedded.broker1().connectionFactory("back-office");
                    Connection c = cf.createConnection()) {
                Session s = c.createSession();
                MessageProducer jobs = s.createProducer(s.createQueue("satp.jobs"));
                TextMessage job = s.createTextMessage(JSON.writeValueAsString(Transfers.job(jmsAsset, 3, jmsContext)));
                job.setStringProperty("satpAccessToken", embedded.g1().accessToken());
                jobs.send(job);
            }
            // the job waits in the broker: no session for it, the queue holds it
            awaitMetric(g1, "satp_queue_depth", "queue=\"satp.jobs\"", 1.0, Duration.ofSeconds(20));
            assertFalse(contexts(g1).contains(jmsContext), "no job was taken while paused");
            assertEquals(1.0, value(metrics(g1), "satp_intake_paused"));

            try (Jmx jmx = Jmx.attach(embedded.g1().pid())) {
                assertEquals(Boolean.TRUE, jmx.get(GATEWAY_MBEAN, "IntakePaused"));
                assertTrue(String.valueOf(jmx.get(GATEWAY_MBEAN, "IntakePausedBy")).startsWith("launcher"));
                assertEquals("intake running", jmx.invoke(GATEWAY_MBEAN, "resumeIntake"));
                assertEquals(Boolean.FALSE, jmx.get(GATEWAY_MBEAN, "IntakePaused"));
            }
            String jmsId = awaitJob(g1, jmsContext, Duration.ofSeconds(30));
            Transfers.awaitBoth(g1, g2, jmsId, Duration.ofSeconds(90), Transfers::completed);
            GatewayClient.Answer taken = g1.submit(Transfers.job(restAsset, 3, "ctx-" + restAsset));
            assertEquals(202, taken.status(), () -> String.valueOf(taken.body()));
            Transfers.awaitBoth(g1, g2, taken.body().path("id").asText(), Duration.ofSeconds(90), Transfers::completed);

            JsonNode actions = g1.get("api/v1/admin/actions?limit=20").body();
            List<String> trail = new ArrayList<>();
            actions.forEach(a -> trail.add(a.path("action").asText() + " by " + a.path("operator").asText() + " via "
                    + a.path("via").asText()));
            assertTrue(trail.contains("pause-intake by launcher via api"), trail::toString);
            assertTrue(trail.stream().anyMatch(t -> t.startsWith("resume-intake by local JMX") && t.endsWith("via jmx")),
                    trail::toString);
        } finally {
            g1.post("api/v1/admin/intake/resume", Map.of());
        }
    }

    @Test
    void aForcedRollbackIsRefusedAfterTheBurnWhileARetryGoesThrough() throws Exception {
        String asset = issue();
        long supply2 = g2.totalSupply();
        // a deadline of 20 s: the transfer passes it after the burn, where it may only go forward
        Map<String, Object> job = new java.util.HashMap<>(Transfers.job(asset, 3, "ctx-" + asset));
        job.put("deadlineSeconds", 20);
        GatewayClient.Answer a = g1.submit(job);
        assertEquals(202, a.status(), () -> String.valueOf(a.body()));
        String id = a.body().path("id").asText();
        // G2 minted: freeze its chain, so that G1 burns and G2 cannot assign
        awaitEntry(g2, id, "create done", Duration.ofSeconds(60));
        embedded.chain2().pause();
        try {
            awaitEntry(g1, id, "extinguish done", Duration.ofSeconds(60));
            assertEquals("ACTIVE", g1.transfer(id).orElseThrow().path("state").asText());

            GatewayClient.Answer refused = g1.post("api/v1/admin/sessions/" + id + "/rollback", Map.of());
            assertEquals(409, refused.status(), () -> String.valueOf(refused.body()));
            assertTrue(refused.body().path("detail").asText().contains("burned"), refused.body()::toString);
            // G2 minted: it leaves the rollback to G1; while its step waits on the frozen chain with the session held,
            // it may instead answer that the session is busy or its ledger does not answer: never that it rolled back
            GatewayClient.Answer refused2 = g2.post("api/v1/admin/sessions/" + id + "/rollback", Map.of());
            String title2 = refused2.body().path("title").asText();
            assertTrue(refused2.status() == 409 && refused2.body().path("detail").asText().contains("minted")
                    || refused2.status() == 503 && List.of("Session busy", "Ledger unavailable").contains(title2),
                    () -> String.valueOf(refused2.body()));
            try (Jmx jmx = Jmx.attach(embedded.g1().pid())) {
                String session = "org.satpgateway:type=Session,name=" + javax.management.ObjectName.quote(id);
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (!jmx.registered(session) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals("ACTIVE", jmx.get(session, "State"));
                String answer = String.valueOf(jmx.invoke(session, "forceRollback"));
                assertTrue(answer.startsWith("refused") && answer.contains("burned"), answer);
                String retried = String.valueOf(jmx.invoke(GATEWAY_MBEAN, "retrySession", id));
                assertTrue(retried.startsWith("done"), retried);
                String redriven = String.valueOf(jmx.invoke("org.satpgateway:type=DeadLetters", "redrive"));
                assertTrue(redriven.contains("sent back"), redriven);
            }
            long inFlightDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            double inFlight = sum(metrics(g1), "satp_sessions_in_flight", "state=\"ACTIVE\"");
            while (inFlight < 1 && System.nanoTime() < inFlightDeadline) {
                Thread.sleep(500);
                inFlight = sum(metrics(g1), "satp_sessions_in_flight", "state=\"ACTIVE\"");
            }
            assertTrue(inFlight >= 1, "the session in flight, by state and step");
            GatewayClient.Answer retried = g1.post("api/v1/admin/sessions/" + id + "/retry", Map.of());
            assertEquals(200, retried.status(), () -> String.valueOf(retried.body()));
            // past its deadline and forward only: G1's operators are alerted (SharedGateways: 1 s past the deadline)
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            String alert = null;
            while (alert == null && System.nanoTime() < deadline) {
                for (JsonNode x : g1.get("api/v1/admin/alerts").body()) {
                    if ("past-deadline".equals(x.path("kind").asText()) && x.path("subject").asText().equals(id)) {
                        alert = x.path("message").asText();
                    }
                }
                Thread.sleep(250);
            }
            assertTrue(alert != null && alert.contains("forward only"), "a past-deadline alert: " + alert);
            JsonNode down = JSON.readTree(g2.get("health/ready").body().toString());
            System.out.println("[console] G2 readiness with its chain frozen: " + down);
        } finally {
            embedded.chain2().resume();
        }
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::completed);
        assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText());
        assertEquals(Transfers.BOB, g2.asset(asset).orElseThrow().path("owner").asText());
        assertEquals(supply2 + 3, g2.totalSupply());
        List<String> trail = new ArrayList<>();
        g1.get("api/v1/admin/actions?session=" + id).body().forEach(x -> trail.add(x.path("action").asText() + " "
                + x.path("outcome").asText() + " via " + x.path("via").asText()));
        assertTrue(trail.containsAll(List.of("force-rollback refused via api", "force-rollback refused via jmx",
                "retry-session done via api", "retry-session done via jmx")), trail::toString);
    }

    @Test
    void aForcedRollbackBeforeTheBurnUnlocksAndUndoesTheMint() throws Exception {
        String asset = issue();
        long supply2 = g2.totalSupply();
        long supply1 = g1.totalSupply();
        embedded.chain2().pause();
        String id;
        try {
            GatewayClient.Answer a = g1.submit(Transfers.job(asset, 3, "ctx-" + asset));
            assertEquals(202, a.status(), () -> String.valueOf(a.body()));
            id = a.body().path("id").asText();
            awaitEntry(g1, id, "lock done", Duration.ofSeconds(60));
            GatewayClient.Answer forced = g1.post("api/v1/admin/sessions/" + id + "/rollback", Map.of());
            assertEquals(200, forced.status(), () -> String.valueOf(forced.body()));
            assertTrue(forced.body().path("done").asBoolean(), forced.body()::toString);
        } finally {
            embedded.chain2().resume();
        }
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::bothEnded);
        assertEquals("ROLLED_BACK", g1.transfer(id).orElseThrow().path("state").asText());
        JsonNode onOne = g1.asset(asset).orElseThrow();
        assertEquals(Transfers.ALICE, onOne.path("owner").asText());
        assertEquals("FREE", onOne.path("state").asText(), onOne::toString);
        assertEquals(supply1, g1.totalSupply());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (g2.totalSupply() != supply2 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertEquals(supply2, g2.totalSupply(), "nothing of the transfer stays minted on ledger-two");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private String issue() throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        GatewayClient.Answer issued = g1.issue(asset, Transfers.ALICE, 3);
        assertEquals(201, issued.status(), () -> String.valueOf(issued.body()));
        return asset;
    }

    private static String metrics(GatewayClient g) throws Exception {
        GatewayClient.Answer a = g.get("metrics");
        assertEquals(200, a.status(), () -> String.valueOf(a.body()));
        return a.body().asText();
    }

    private static String awaitMetric(GatewayClient g, String name, String tag) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String text = metrics(g);
        while (Double.isNaN(value(text, name, tag)) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            text = metrics(g);
        }
        return text;
    }

    private static void awaitMetric(GatewayClient g, String name, String tag, double expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        double v = value(metrics(g), name, tag);
        while (v != expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
            v = value(metrics(g), name, tag);
        }
        assertEquals(expected, v, name + "{" + tag + "}");
    }

    /** The value of the first sample of {@code name} carrying every tag given; NaN when there is none. */
    static double value(String metrics, String name, String... tags) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([-0-9.Ee+]+)$").matcher(metrics);
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String t : tags) {
                all &= labels.contains(t);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    /** The sum of every sample of {@code name} carrying the tag. */
    static double sum(String metrics, String name, String tag) {
        double total = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\}) ([-0-9.Ee+]+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains(tag)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    private static String satpLines(String metrics) {
        StringBuilder b = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("satp_") && !line.contains("quantile")) {
                b.append("  ").append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static List<String> contexts(GatewayClient g) throws Exception {
        List<String> out = new ArrayList<>();
        g.transfers(null).findValues("transferContextId").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String awaitJob(GatewayClient g, String context, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode t : g.transfers(null)) {
                if (context.equals(t.path("transferContextId").asText())) {
                    return t.path("id").asText();
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no job " + context + " within " + timeout);
    }

    private static void awaitEntry(GatewayClient g, String id, String entry, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var t = g.transfer(id);
            if (t.isPresent() && Transfers.ledgerEntries(t.get()).contains(entry)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + entry + " in " + id + " within " + timeout + ": " + g.transfer(id));
    }
}
