package org.satpgateway.it.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.satpgateway.it.support.Transfers.ALICE;
import static org.satpgateway.it.support.Transfers.BOB;
import static org.satpgateway.it.support.Transfers.count;
import static org.satpgateway.it.support.Transfers.ended;
import static org.satpgateway.it.support.Transfers.job;
import static org.satpgateway.it.support.Transfers.ledgerEntries;
import static org.satpgateway.it.support.Transfers.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.it.support.SharedGateways;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.PeerClient;

/**
 * Two real gateways (Payara Micro, an Artemis broker each, H2 logs; G1 on the reference ledger, G2 on an EVM chain),
 * started the way the one command starts them, driven only through their public interfaces: the back-office REST and
 * JMS interfaces, the peer endpoint and the ledgers' query interface. Each test works on its own assets, on the pair
 * the test classes share ({@link SharedGateways}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedGateways.class)
class TwoGatewaysIT {
    static final ObjectMapper JSON = new ObjectMapper();

    Embedded embedded;
    GatewayClient g1;
    GatewayClient g2;

    @BeforeAll
    void start(Embedded shared) {
        embedded = shared;
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @Test
    void aTransferCompletesWithTheAssetOnTheTargetLedgerOnlyAndBothLogsAgreeing() throws Exception {
        String asset = issue(700);
        long supply1 = g1.totalSupply();
        long supply2 = g2.totalSupply();
        long t0 = System.nanoTime();
        GatewayClient.Answer a = g1.submit(job(asset, 700, "ctx-" + UUID.randomUUID()));
        assertEquals(202, a.status(), () -> "submit: " + a.body());
        String id = a.body().path("id").asText();
        assertTrue(a.location().endsWith("/api/v1/transfers/" + id), a.location());

        awaitEnded(id, Duration.ofSeconds(90));
        System.out.printf("[two-gateways] one transfer: %d ms from submit to both sides completed%n", (System.nanoTime() - t0) / 1_000_000);
        JsonNode t1 = g1.transfer(id).orElseThrow();
        JsonNode t2 = g2.transfer(id).orElseThrow();
        assertEquals("COMPLETED", t1.path("state").asText());
        assertEquals("COMPLETED", t2.path("state").asText());
        assertEquals("CLIENT", t1.path("role").asText());
        assertEquals("SERVER", t2.path("role").asText());

        JsonNode source = g1.asset(asset).orElseThrow();
        assertEquals("BURNED", source.path("state").asText());
        JsonNode target = g2.asset(asset).orElseThrow();
        assertEquals(BOB, target.path("owner").asText());
        assertEquals("FREE", target.path("state").asText());
        assertEquals(700, target.path("amount").asLong());
        assertEquals(supply1 - 700, g1.totalSupply());
        assertEquals(supply2 + 700, g2.totalSupply());
        assertEquals(1, count(g2.get("api/v1/ledger/assets/" + asset + "/history").body(), "create"));
        assertEquals(1, count(g2.get("api/v1/ledger/assets/" + asset + "/history").body(), "assign"));

        // Both logs hold the same eleven protocol messages, each once, under the same sequence numbers; each side
        // logged its own ledger actions (lock and burn on G1, mint and assign on G2), each intent before its result.
        Set<String> m1 = messages(t1);
        Set<String> m2 = messages(t2);
        assertEquals(11, m1.size(), () -> "G1 messages " + m1);
        assertEquals(m1, m2);
        assertEquals(List.of("lock init", "lock done", "extinguish init", "extinguish done"), ledgerEntries(t1),
                "the reference ledger answers at once");
        // G2's chain makes each action final a block later: the step that sent its transaction logged it as
        // submitted (exec, with the transaction's hash and nonce) and committed; a later step logged the result
        List<String> g2Entries = ledgerEntries(t2);
        assertEquals(List.of("create init", "create done", "assign init", "assign done"),
                g2Entries.stream().filter(e -> !e.endsWith(" exec")).toList());
        assertTrue(g2Entries.stream().anyMatch(e -> e.startsWith("create@") && e.endsWith(" exec")),
                () -> "G2 logged its mint as submitted before it was final: " + g2Entries);
    }

    @Test
    void tenTransfersSubmittedAtOnceByRestAndJmsAllCompleteEachExactlyOnce() throws Exception {
        int n = 10;
        List<String> assets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assets.add(issue(10 + i));
        }
        long supply1 = g1.totalSupply();
        long supply2 = g2.totalSupply();
        String prefix = "batch-" + UUID.randomUUID() + "-";
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<String>> ids = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ActiveMQConnectionFactory cf = embedded.broker1().connectionFactory("back-office")) {
            for (int i = 0; i < n; i++) {
                Map<String, Object> job = job(assets.get(i), 10 + i, prefix + i);
                Callable<String> submit = i % 2 == 0
                        ? () -> g1.submit(job).body().path("id").asText()
                        : () -> viaJms(cf, embedded.g1().accessToken(), job);
                ids.add(pool.submit(submit));
            }
            List<String> jobIds = new ArrayList<>();
            for (Future<String> f : ids) {
                jobIds.add(f.get());
            }
            for (String id : jobIds) {
                awaitEnded(id, Duration.ofSeconds(120));
            }
            System.out.printf("[two-gateways] %d concurrent transfers: %d ms from first submit to all completed%n", n,
                    (System.nanoTime() - t0) / 1_000_000);
            assertEquals(n, new HashSet<>(jobIds).size(), "one job per transfer");
            for (String id : jobIds) {
                assertEquals("COMPLETED", g1.transfer(id).orElseThrow().path("state").asText(), id);
                assertEquals("COMPLETED", g2.transfer(id).orElseThrow().path("state").asText(), id);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < n; i++) {
            String asset = assets.get(i);
            assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText(), asset);
            JsonNode target = g2.asset(asset).orElseThrow();
            assertEquals(BOB, target.path("owner").asText(), asset);
            assertEquals(10 + i, target.path("amount").asLong(), asset);
            JsonNode history = g2.get("api/v1/ledger/assets/" + asset + "/history").body();
            assertEquals(1, count(history, "create"), asset);
            assertEquals(1, count(history, "assign"), asset);
        }
        long moved = n * 10 + n * (n - 1) / 2;
        assertEquals(supply1 - moved, g1.totalSupply());
        assertEquals(supply2 + moved, g2.totalSupply());
        // a repeated job (same transferContextId) is the first job, not a second transfer
        GatewayClient.Answer again = g1.submit(job(assets.get(0), 10, prefix + 0));
        assertEquals(200, again.status(), () -> "repeat: " + again.body());
        assertEquals(1, g1.transfers(null).findValues("transferContextId").stream()
                .filter(c -> c.asText().equals(prefix + 0)).count());
    }

    @Test
    void invalidJobsAreRefusedWithTheirReasonAndCreateNothing() throws Exception {
        int before = g1.transfers(null).size();
        GatewayClient.Answer noAmount = g1.post("api/v1/transfers", Map.of("transferContextId", "bad-1",
                "digitalAssetId", "x", "assetProfileId", "bond/v1", "originator", ALICE, "beneficiary", BOB,
                "originatorPublicKey", "k", "beneficiaryPublicKey", "k"));
        assertEquals(422, noAmount.status(), () -> String.valueOf(noAmount.body()));
        assertEquals("urn:ietf:params:satp:core:error:err_1.1.13", noAmount.body().path("type").asText());
        GatewayClient.Answer unknownField = g1.post("api/v1/transfers", Map.of("transferContextId", "bad-2", "colour", "red"));
        assertEquals(400, unknownField.status());
        assertTrue(unknownField.body().path("detail").asText().contains("colour"), unknownField.body().toString());

        try (ActiveMQConnectionFactory cf = embedded.broker1().connectionFactory("back-office");
                Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            MessageConsumer events = s.createConsumer(s.createTopic("satp.job.events"));
            var replies = s.createTemporaryQueue();
            MessageConsumer replyConsumer = s.createConsumer(replies);
            TextMessage m = s.createTextMessage("{\"transferContextId\":\"bad-3\",\"amount\":\"lots\"}");
            m.setJMSReplyTo(replies);
            s.createProducer(s.createQueue("satp.jobs")).send(m);
            TextMessage reply = (TextMessage) replyConsumer.receive(30_000);
            assertTrue(reply != null, "a refused JMS job is answered on JMSReplyTo");
            assertEquals("REFUSED", JSON.readTree(reply.getText()).path("state").asText(), reply.getText());
            TextMessage event = (TextMessage) events.receive(30_000);
            assertTrue(event != null, "a refused JMS job is announced on satp.job.events");
            assertEquals("REFUSED", JSON.readTree(event.getText()).path("state").asText(), event.getText());
        }
        assertEquals(before, g1.transfers(null).size(), "nothing was created");
    }

    /**
     * The back office's door takes one bounded JSON object in UTF-8, with each value of its field's type, and accounts
     * of the two organisations; everything else is a problem, and creates nothing.
     */
    @Test
    void theBackOfficeDoorTakesOnlyStrictBoundedJobs() throws Exception {
        int before = g1.transfers(null).size();
        String asset = issue(5);
        String valid = JSON.writeValueAsString(job(asset, 5, "strict-" + UUID.randomUUID()));
        assertTrue(valid.contains("\"originator-key\"") && valid.contains("\"amount\":5"), valid);
        byte[] utf8 = valid.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(415, g1.postRaw("api/v1/transfers", null, utf8).status(), "no Content-Type");
        assertEquals(415, g1.postRaw("api/v1/transfers", "text/plain", utf8).status(), "not JSON");
        assertEquals(415, g1.postRaw("api/v1/transfers", "application/json; charset=ISO-8859-1", utf8).status());
        byte[] notUtf8 = valid.replace(asset, asset + "\u00e9").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(400, g1.postRaw("api/v1/transfers", "application/json", notUtf8).status(), "invalid UTF-8");
        GatewayClient.Answer huge = g1.postRaw("api/v1/transfers", "application/json",
                valid.replace("\"originator-key\"", "\"" + "k".repeat(40_000) + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(413, huge.status(), () -> String.valueOf(huge.body()));
        for (String bad : List.of(valid + "garbage", valid.replace("\"amount\":5", "\"amount\":5,\"amount\":6"),
                valid.replace("\"amount\":5", "\"amount\":1.9"), valid.replace("\"amount\":5", "\"amount\":\"5\""),
                valid.replace("\"" + asset + "\"", "123"), "[" + valid + "]", "{\"a\":".repeat(50) + "1" + "}".repeat(50))) {
            GatewayClient.Answer a = g1.postRaw("api/v1/transfers", "application/json",
                    bad.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(400, a.status(), () -> bad.substring(0, Math.min(120, bad.length())) + " -> " + a.body());
            assertEquals("urn:ietf:params:satp:core:error:err_0.2.6", a.body().path("type").asText(), a.body().toString());
        }
        Map<String, Object> elsewhere = new java.util.HashMap<>(job(asset, 5, "strict-" + UUID.randomUUID()));
        elsewhere.put("beneficiary", "eve@bank-nine");
        GatewayClient.Answer eve = g1.submit(elsewhere);
        assertEquals(422, eve.status(), () -> String.valueOf(eve.body()));
        assertEquals("urn:ietf:params:satp:core:error:err_1.1.15", eve.body().path("type").asText());
        // the ledger is asked before a session is opened: a missing asset, another amount, another owner
        for (Map<String, Object> wrong : List.of(job("bond-" + UUID.randomUUID(), 5, "strict-" + UUID.randomUUID()),
                job(asset, 6, "strict-" + UUID.randomUUID()), withOriginator(job(asset, 5, "strict-" + UUID.randomUUID()),
                        "carol@bank-one"))) {
            GatewayClient.Answer a = g1.submit(wrong);
            assertEquals(404, a.status(), () -> wrong + " -> " + a.body());
            assertEquals("urn:ietf:params:satp:core:error:err_2.2.7", a.body().path("type").asText(), a.body().toString());
        }
        assertEquals(400, g1.get("api/v1/transfers?limit=abc").status(), "a limit that is not a number");
        assertEquals(before, g1.transfers(null).size(), "nothing was created");
        assertEquals("FREE", g1.asset(asset).orElseThrow().path("state").asText(), "nothing was locked");

        // the ledger's issuing takes no coerced amount either
        for (String amount : List.of("18446744073709551617", "1e400", "1.5", "\"7\"")) {
            GatewayClient.Answer a = g1.postRaw("api/v1/ledger/assets", "application/json",
                    ("{\"assetId\":\"bond-" + UUID.randomUUID() + "\",\"owner\":\"alice@bank-one\",\"amount\":" + amount + "}")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(400, a.status(), () -> amount + " -> " + a.body());
        }
    }

    /** The transferContextId is the job's idempotency key: the same job again is the first one, another job is refused. */
    @Test
    void aReusedTransferContextIdWithAnotherBodyIsRefused() throws Exception {
        String asset = issue(6);
        String context = "reuse-" + UUID.randomUUID();
        GatewayClient.Answer first = g1.submit(job(asset, 6, context));
        assertEquals(202, first.status(), () -> String.valueOf(first.body()));
        String id = first.body().path("id").asText();
        GatewayClient.Answer same = g1.submit(job(asset, 6, context));
        assertEquals(200, same.status(), () -> String.valueOf(same.body()));
        assertEquals(id, same.body().path("id").asText());
        GatewayClient.Answer other = g1.submit(job(issue(7), 7, context));
        assertEquals(409, other.status(), () -> String.valueOf(other.body()));
        assertEquals("urn:ietf:params:satp:core:error:err_1.1.1", other.body().path("type").asText());
        assertTrue(other.location().endsWith("/api/v1/transfers/" + id), other.location());
        awaitEnded(id, Duration.ofSeconds(90));
        assertEquals(1, g1.transfers(null).findValues("transferContextId").stream()
                .filter(c -> c.asText().equals(context)).count(), "one job for the transferContextId");
    }

    /** Every refusal on JMS names the job it refuses, whatever the message: its transferContextId and message id. */
    @Test
    void refusedJmsJobsAreNamedInTheirReplies() throws Exception {
        try (ActiveMQConnectionFactory cf = embedded.broker1().connectionFactory("back-office");
                Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            var replies = s.createTemporaryQueue();
            MessageConsumer replyConsumer = s.createConsumer(replies);
            MessageProducer jobs = s.createProducer(s.createQueue("satp.jobs"));

            Map<String, Object> job = new java.util.HashMap<>(job(issue(8), 8, "jms-refused-" + UUID.randomUUID()));
            job.put("beneficiary", "eve@bank-nine");
            TextMessage named = s.createTextMessage(JSON.writeValueAsString(job));
            named.setJMSReplyTo(replies);
            named.setStringProperty("satpAccessToken", embedded.g1().accessToken());
            jobs.send(named);
            JsonNode r1 = JSON.readTree(((TextMessage) replyConsumer.receive(30_000)).getText());
            assertEquals("REFUSED", r1.path("state").asText(), r1.toString());
            assertEquals(job.get("transferContextId"), r1.path("transferContextId").asText(), r1.toString());
            assertEquals(named.getJMSMessageID(), r1.path("jobMessageId").asText(), r1.toString());
            assertEquals("err_1.1.15", r1.path("errorCode").asText(), r1.toString());

            jakarta.jms.BytesMessage bytes = s.createBytesMessage();
            bytes.writeBytes("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            bytes.setJMSReplyTo(replies);
            jobs.send(bytes);
            TextMessage reply = (TextMessage) replyConsumer.receive(30_000);
            assertTrue(reply != null, "a job that is not text is answered, not left to the dead letters");
            JsonNode r2 = JSON.readTree(reply.getText());
            assertEquals("REFUSED", r2.path("state").asText(), r2.toString());
            assertEquals(bytes.getJMSMessageID(), r2.path("jobMessageId").asText(), r2.toString());
            assertEquals(bytes.getJMSMessageID(), reply.getJMSCorrelationID());

            // a job message without its back office's access token is refused, naming the job; nothing is created
            Map<String, Object> anonymous = job(issue(8), 8, "jms-anonymous-" + UUID.randomUUID());
            TextMessage unsigned = s.createTextMessage(JSON.writeValueAsString(anonymous));
            unsigned.setJMSReplyTo(replies);
            jobs.send(unsigned);
            JsonNode r3 = JSON.readTree(((TextMessage) replyConsumer.receive(30_000)).getText());
            assertEquals("REFUSED", r3.path("state").asText(), r3.toString());
            assertEquals("err_0.1.2", r3.path("errorCode").asText(), r3.toString());
            assertEquals(anonymous.get("transferContextId"), r3.path("transferContextId").asText(), r3.toString());
            assertTrue(g1.transfers(null).findValues("transferContextId").stream()
                    .noneMatch(v -> v.asText().equals(anonymous.get("transferContextId"))), "no job was taken");
        }
    }

    @Test
    void thePeerEndpointRefusesBadMessagesAtTheDoorWithProblemDetails() throws Exception {
        PeerClient asG1 = PeerClient.as(embedded.g1(), embedded.g2());
        PeerClient.Answer garbage = asG1.post(Map.of("hello", "world"));
        assertEquals(400, garbage.status(), () -> String.valueOf(garbage.body()));
        assertTrue(garbage.body().path("type").asText().startsWith("urn:ietf:params:satp:core:error:err_"), garbage.body().toString());

        // well-formed and correctly signed, but by a key that bank-one's CA has not certified (the codec's golden vectors)
        Path golden = Path.of(System.getProperty("satp.repository"), "ejb/src/test/resources/golden");
        String proposal = java.nio.file.Files.readString(golden.resolve("transfer-proposal-msg.json")).trim();
        PeerClient.Answer stranger = asG1.post(proposal);
        assertEquals(403, stranger.status(), () -> String.valueOf(stranger.body()));
        assertEquals("urn:ietf:params:satp:core:error:err_0.1.2", stranger.body().path("type").asText());

        String lockAssert = java.nio.file.Files.readString(golden.resolve("lock-assert-msg.json")).trim();
        PeerClient.Answer tampered = PeerClient.as(embedded.g2(), embedded.g1())
                .post(lockAssert.replace("\"sequenceNumber\":5", "\"sequenceNumber\":6"));
        assertEquals(422, tampered.status(), () -> String.valueOf(tampered.body()));
        assertEquals("urn:ietf:params:satp:core:error:err_0.1.3", tampered.body().path("type").asText());

        PeerClient.Answer tooLarge = asG1.post(Map.of("padding", "x".repeat(600 * 1024)));
        assertEquals(413, tooLarge.status(), () -> String.valueOf(tooLarge.body()));

        // the same path on the plain HTTP listener (back office, operators) takes no peer message at all
        GatewayClient.Answer plain = g2.post("satp/v1/messages", JSON.readTree(proposal));
        assertEquals(403, plain.status(), () -> String.valueOf(plain.body()));
        assertTrue(plain.body().path("detail").asText().contains("mutual TLS"), plain.body().toString());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    String issue(long amount) throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        GatewayClient.Answer a = g1.issue(asset, ALICE, amount);
        assertEquals(201, a.status(), () -> "issue: " + a.body());
        return asset;
    }

    static Map<String, Object> withOriginator(Map<String, Object> job, String originator) {
        Map<String, Object> changed = new java.util.HashMap<>(job);
        changed.put("originator", originator);
        return changed;
    }

    static String viaJms(ActiveMQConnectionFactory cf, String token, Map<String, Object> job) throws Exception {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            var replies = s.createTemporaryQueue();
            MessageConsumer consumer = s.createConsumer(replies);
            TextMessage m = s.createTextMessage(JSON.writeValueAsString(job));
            m.setJMSReplyTo(replies);
            m.setStringProperty("satpAccessToken", token);
            MessageProducer p = s.createProducer(s.createQueue("satp.jobs"));
            p.send(m);
            TextMessage reply = (TextMessage) consumer.receive(60_000);
            if (reply == null) {
                throw new AssertionError("no reply to the JMS job " + job.get("transferContextId"));
            }
            JsonNode r = JSON.readTree(reply.getText());
            assertEquals("ACCEPTED", r.path("state").asText(), reply.getText());
            return r.path("jobId").asText();
        }
    }

    void awaitEnded(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String s1 = null;
        String s2 = null;
        while (System.nanoTime() < deadline) {
            s1 = g1.transfer(id).map(t -> t.path("state").asText()).orElse(null);
            s2 = g2.transfer(id).map(t -> t.path("state").asText()).orElse(null);
            if (ended(s1) && ended(s2)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("transfer " + id + " did not end within " + timeout + ": G1 " + s1 + ", G2 " + s2);
    }

}
