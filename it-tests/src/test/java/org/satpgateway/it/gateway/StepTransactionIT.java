package org.satpgateway.it.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.BrokerNode;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.Layout;

/**
 * The step transaction's contract, on real gateways: the log entries of a step and the message it sends commit
 * together or not at all. G1's reference ledger runs in an H2 server this test controls; with it stopped, G1's lock
 * step fails after it has logged its entries and queued lock-assert-msg. Both must roll back: G1's log keeps no entry
 * of the step and G2 never hears of lock-assert-msg; the inbound message is redelivered and, after the broker's five
 * attempts, lies in G1's dead-letter queue, with the reasons recorded for operators, who see it on the admin API
 * and are alerted through Payara's notification service. Once the ledger is back, an operator re-drives the dead
 * letters and the transfer completes (the session's own timers would carry it too), each ledger action done once.
 */
class StepTransactionIT {

    @Test
    void aFailedStepLeavesNoLogEntryAndNoMessageAndItsMessageEndsInTheDeadLetterQueue() throws Exception {
        Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("step-tx-" + System.nanoTime());
        Path ledgerDir = Files.createDirectories(work.resolve("g1-ledger-server"));
        int ledgerPort = Embedded.Options.freePorts(work).g1Http();
        Server ledger = startLedger(ledgerDir, ledgerPort);
        Embedded.Options options = Embedded.Options.freePorts(work).withSettings(
                Map.of("gateway.ledger.url", String.format("jdbc:h2:tcp://127.0.0.1:%d/ledger;WRITE_DELAY=0", ledgerPort),
                        "gateway.retry-base-ms", "1000",
                        // the operators' alerts checked every second, and every certificate counted as close to expiry
                        "gateway.alerts.check-ms", "1000", "gateway.alerts.certificate-days", "100000"),
                Map.of());
        try (Embedded embedded = new Embedded(new Layout(Path.of(System.getProperty("satp.repository"))).check(), options)) {
            embedded.start(Duration.ofMinutes(4));
            GatewayClient g1 = Embedded.client(embedded.g1());
            GatewayClient g2 = Embedded.client(embedded.g2());
            String asset = "bond-" + UUID.randomUUID();
            assertEquals(201, g1.issue(asset, "alice@bank-one", 42).status());

            ledger.stop();
            GatewayClient.Answer a = g1.submit(Map.of("transferContextId", "ctx-" + asset, "digitalAssetId", asset,
                    "assetProfileId", "bond/v1", "amount", 42, "originator", "alice@bank-one", "beneficiary", "bob@bank-two",
                    "originatorPublicKey", "k1", "beneficiaryPublicKey", "k2"));
            assertEquals(202, a.status(), () -> String.valueOf(a.body()));
            String id = a.body().path("id").asText();

            // the lock step of G1 (on ack-commence-msg #4) fails five times and goes to the dead-letter queue
            List<Message> dead = awaitDeadLetters(embedded.broker1(), id, Duration.ofSeconds(60));
            Message first = dead.get(0);
            assertEquals("satp.inbound", first.getStringProperty("_AMQ_ORIG_ADDRESS"));
            assertEquals("ack-commence-msg", first.getStringProperty("satpType"));

            JsonNode t1 = g1.transfer(id).orElseThrow();
            JsonNode t2 = g2.transfer(id).orElseThrow();
            assertEquals("ACTIVE", t1.path("state").asText());
            assertEquals(3, lastSequence(t1), () -> "G1 logged nothing of the failed step: " + t1);
            assertTrue(lastSequence(t2) <= 4, () -> "G2 never received lock-assert-msg: " + t2);
            assertTrue(Transfers.ledgerEntries(t1).isEmpty(), () -> "no ledger intent of the failed step: " + t1);
            JsonNode failures = g1.get("api/v1/admin/step-failures?limit=1000").body();
            long reasons = 0;
            for (JsonNode f : failures) {
                if (id.equals(f.path("sessionId").asText()) && f.path("reason").asText().contains("ledger")) {
                    reasons++;
                }
            }
            assertTrue(reasons >= 5, () -> "each failed delivery's reason is recorded: " + failures);

            // operators see the dead letter with its reason, and are alerted (through Payara's notification service:
            // its log notifier writes into the server log) that dead letters grow, and that certificates expire
            JsonNode letters = g1.get("api/v1/admin/dead-letters").body();
            JsonNode letter = null;
            for (JsonNode l : letters) {
                if (id.equals(l.path("sessionId").asText())) {
                    letter = l;
                }
            }
            assertTrue(letter != null && letter.path("reason").asText().contains("ledger"), () -> "the dead letter: " + letters);
            assertEquals("satp.inbound", letter.path("queue").asText());
            awaitAlert(g1, "dead-letters-growing");
            awaitAlert(g1, "certificate-expiring");
            awaitLog(embedded.g1().log(), "LogNotifier", "SATP gateway: dead-letters-growing");
            awaitLog(embedded.g1().log(), "LogNotifier", "SATP gateway: certificate-expiring");

            // the ledger comes back and an operator re-drives the dead letters of unfinished sessions: the session's
            // message leaves the DLQ for its queue (its timers would resend too); the transfer completes with one lock
            // and one burn on ledger-one, one mint and one assignment on ledger-two
            ledger = startLedger(ledgerDir, ledgerPort);
            JsonNode redriven = g1.post("api/v1/admin/dead-letters/redrive", Map.of()).body();
            assertTrue(redriven.path("redriven").asInt() >= 1, redriven::toString);
            assertTrue(redriven.path("sessions").toString().contains(id), redriven::toString);
            assertTrue(deadLetters(embedded.broker1(), id).isEmpty(), "the session's dead letters left the DLQ");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && !("COMPLETED".equals(state(g1, id)) && "COMPLETED".equals(state(g2, id)))) {
                Thread.sleep(200);
            }
            JsonNode end1 = g1.transfer(id).orElseThrow();
            JsonNode end2 = g2.transfer(id).orElseThrow();
            assertEquals("COMPLETED", end1.path("state").asText(), () -> "G1: " + end1);
            assertEquals("COMPLETED", end2.path("state").asText(), () -> "G2: " + end2);
            assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText());
            assertEquals("bob@bank-two", g2.asset(asset).orElseThrow().path("owner").asText());
            assertEquals(1, Transfers.count(g1.get("api/v1/ledger/assets/" + asset + "/history").body(), "lock"));
            assertEquals(1, Transfers.count(g1.get("api/v1/ledger/assets/" + asset + "/history").body(), "extinguish"));
            assertEquals(1, Transfers.count(g2.get("api/v1/ledger/assets/" + asset + "/history").body(), "create"));
            assertEquals(Transfers.messages(g1.transfer(id).orElseThrow()), Transfers.messages(g2.transfer(id).orElseThrow()));
        } finally {
            ledger.stop();
        }
    }

    private static void awaitAlert(GatewayClient g, String kind) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode alerts = g.get("api/v1/admin/alerts").body();
        while (System.nanoTime() < deadline) {
            for (JsonNode a : alerts) {
                if (kind.equals(a.path("kind").asText())) {
                    return;
                }
            }
            Thread.sleep(250);
            alerts = g.get("api/v1/admin/alerts").body();
        }
        throw new AssertionError("no alert " + kind + ": " + alerts);
    }

    private static void awaitLog(Path log, String... parts) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                boolean all = true;
                for (String p : parts) {
                    all &= line.contains(p);
                }
                if (all) {
                    System.out.println("[step-tx] notified: " + line.substring(0, Math.min(300, line.length())));
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no line with " + java.util.Arrays.toString(parts) + " in " + log);
    }

    private static Server startLedger(Path dir, int port) throws Exception {
        return Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists").start();
    }

    private static String state(GatewayClient g, String id) throws Exception {
        return g.transfer(id).map(t -> t.path("state").asText()).orElse(null);
    }

    private static long lastSequence(JsonNode transfer) {
        long max = 0;
        for (JsonNode e : transfer.path("history")) {
            max = Math.max(max, e.path("sequenceNumber").asLong());
        }
        return max;
    }

    /** The dead letters of a session now, browsed as the broker's operator. */
    private static List<Message> deadLetters(BrokerNode broker, String sessionId) throws Exception {
        List<Message> found = new ArrayList<>();
        try (ActiveMQConnectionFactory cf = broker.connectionFactory("operator"); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            try (QueueBrowser b = s.createBrowser(s.createQueue("DLQ"))) {
                for (Message m : Collections.list((java.util.Enumeration<Message>) b.getEnumeration())) {
                    if (sessionId.equals(m.getStringProperty("satpSession"))) {
                        found.add(m);
                    }
                }
            }
        }
        return found;
    }

    /** Dead letters of a session, browsed as the broker's operator. */
    private static List<Message> awaitDeadLetters(BrokerNode broker, String sessionId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ActiveMQConnectionFactory cf = broker.connectionFactory("operator"); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            while (System.nanoTime() < deadline) {
                List<Message> found = new ArrayList<>();
                try (QueueBrowser b = s.createBrowser(s.createQueue("DLQ"))) {
                    for (Message m : Collections.list((java.util.Enumeration<Message>) b.getEnumeration())) {
                        if (sessionId.equals(m.getStringProperty("satpSession"))) {
                            found.add(m);
                        }
                    }
                }
                if (!found.isEmpty()) {
                    return found;
                }
                Thread.sleep(250);
            }
        }
        throw new AssertionError("no message of session " + sessionId + " reached the dead-letter queue within " + timeout);
    }
}
