package org.satpgateway.it.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.Recover;
import org.satpgateway.ejb.config.KeyFiles;
import org.satpgateway.ejb.config.PkiFiles;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;
import org.satpgateway.launcher.PeerClient;

/**
 * A gateway that comes back without its key pair (protocol.md, Primary-backup, new keys): G2 halts right after
 * minting (a real JVM, {@code Runtime.halt}), its signing key file is deleted, and it restarts. It makes a new key,
 * has it certified by its organisation's CA (the embedded default holds it), and announces it in recover-msg; G1
 * checks the certificate and switches. The transfer completes, later ones use the new key, and a message signed
 * with the old key is refused. On the pair the crash tests share ({@link CrashGateways}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(CrashGateways.class)
class KeyLossIT {
    private static final String POINT = "G2-after-CREATE";
    private static final String G1_POINT = "G1-after-LOCK";

    private Path work;
    private CrashGateways.Pair pair;
    private Embedded embedded;
    private GatewayClient g1;
    private GatewayClient g2;

    @BeforeAll
    void start(CrashGateways.Pair shared) {
        pair = shared;
        work = pair.work().resolve("key-loss-" + System.nanoTime());
        embedded = pair.embedded();
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @Test
    void aGatewayRestartedWithoutItsKeyPairCompletesItsTransfersAndTheOldKeyIsRefused() throws Exception {
        GatewayNode node = embedded.g2();
        Path data = node.dataDir();
        Path saved = Files.createDirectories(work.resolve("g2-old-key"));
        Files.copy(data.resolve("gateway.key.json"), saved.resolve("gateway.key.json"));
        GatewayKeyPair oldKey = KeyFiles.loadOrCreate(saved, "gateway");
        String oldCertificate = Files.readString(data.resolve(PkiFiles.SIGNING_CERTIFICATE));

        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.issue(asset, Transfers.ALICE, 100).status());
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        arm(node, POINT);
        GatewayClient.Answer submitted = g1.submit(Transfers.job(asset, 100, "key-loss-" + asset));
        assertEquals(202, submitted.status(), () -> String.valueOf(submitted.body()));
        String id = submitted.body().path("id").asText();
        assertTrue(node.process().waitFor(90, TimeUnit.SECONDS), "G2 halted after minting");
        assertEquals(137, node.process().exitValue());

        // the key pair is lost; the rest of the data folder (trust store, TLS key) and the log survive
        Files.delete(data.resolve("gateway.key.json"));
        Files.delete(data.resolve("gateway.public.jwk"));
        long t0 = System.nanoTime();
        node.launch();
        Duration restart = node.awaitReady(g2, Duration.ofMinutes(4));
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::completed);
        long ended = System.nanoTime();

        GatewayKeyPair newKey = KeyFiles.loadOrCreate(data, "gateway");
        assertNotEquals(oldKey.publicJwk(), newKey.publicJwk(), "a new key pair");
        var newCert = PkiFiles.readCertificate(data.resolve(PkiFiles.SIGNING_CERTIFICATE));
        assertEquals(Optional.of(newKey.publicJwk()), Certificates.signingKey(newCert), "certified for the new key");
        assertTrue(Certificates.issuer(newCert).contains("bank-two"));
        try (Stream<Path> files = Files.list(data)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(PkiFiles.SIGNING_CERTIFICATE + ".replaced-")),
                    "the old certificate is kept beside the new one");
        }
        assertTrue(Files.readString(embedded.g1().log()).contains("signs with the new key"), "G1 switched");

        JsonNode source = g1.asset(asset).orElseThrow();
        JsonNode target = g2.asset(asset).orElseThrow();
        assertEquals("BURNED", source.path("state").asText());
        assertEquals(Transfers.BOB, target.path("owner").asText());
        assertEquals(supplyBefore, g1.totalSupply() + g2.totalSupply(), "total supply unchanged");
        JsonNode history = g2.get("api/v1/ledger/assets/" + asset + "/history").body();
        assertEquals(1, Transfers.count(history, "create"), "minted once");
        assertEquals(Transfers.messages(g1.transfer(id).orElseThrow()), Transfers.messages(g2.transfer(id).orElseThrow()),
                "both logs agree");

        // a new transfer: G1 names G2's new key in its proposal, G2 signs with it
        Transfers.completeOne(g1, g2);

        // a message signed with the old key is refused, before and whatever it says
        MessageCodec codec = new MessageCodec();
        Recover forged = new Recover(new Common("1.0", MessageType.RECOVER, id, "key-loss-" + asset, 99, null, Instant.now().toString()),
                "stage-3", false, null, null, Instant.now().toString(), "forged");
        PeerClient.Answer refused = PeerClient.as(node, embedded.g1())
                .deliver(new MessageSigner(codec, oldKey).sign(forged).wire(), UUID.randomUUID().toString());
        assertEquals(422, refused.status(), () -> String.valueOf(refused.body()));
        assertEquals("urn:ietf:params:satp:core:error:err_0.1.3", refused.body().path("type").asText());
        // and the old key announced again, with its old certificate, is refused too
        Recover reannounced = new Recover(new Common("1.0", MessageType.RECOVER, id, "key-loss-" + asset, 99, null, Instant.now().toString()),
                "stage-3", false, oldKey.publicJwk(), oldCertificate, Instant.now().toString(), "forged");
        PeerClient.Answer back = PeerClient.as(node, embedded.g1())
                .deliver(new MessageSigner(codec, oldKey).sign(reannounced).wire(), UUID.randomUUID().toString());
        System.out.printf("[key-loss] G2 restart without its key pair: ready %d ms after launch; transfer completed %d ms"
                + " after launch; old-key announcement answered %d %s%n", restart.toMillis(), (ended - t0) / 1_000_000,
                back.status(), back.body());
        assertEquals(403, back.status(), () -> String.valueOf(back.body()));
        assertTrue(back.body().path("detail").asText().contains("cannot come back"), back.body().toString());
    }

    /**
     * Without the CA at hand (production), the restarted gateway writes a signing request and waits: not ready, no
     * jobs, its peer endpoint answering 503, its sessions untouched. An operator has the request certified; the
     * gateway takes the certificate and recovers.
     */
    @Test
    void withoutTheCaAtHandTheGatewayWaitsForAnOperatorToInstallTheCertificate() throws Exception {
        GatewayNode node = embedded.g1();
        Path data = node.dataDir();
        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.issue(asset, Transfers.ALICE, 50).status());
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        arm(node, G1_POINT);
        GatewayClient.Answer submitted = g1.submit(Transfers.job(asset, 50, "key-loss-csr-" + asset));
        assertEquals(202, submitted.status(), () -> String.valueOf(submitted.body()));
        String id = submitted.body().path("id").asText();
        assertTrue(node.process().waitFor(90, TimeUnit.SECONDS), "G1 halted after locking");

        Files.delete(data.resolve("gateway.key.json"));
        String caDir = node.settings().get("gateway.pki.ca-dir");
        node.setting("gateway.pki.ca-dir", null).launch();
        node.setting("gateway.pki.ca-dir", caDir); // for its later starts: the settings are written at each launch
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!Files.exists(data.resolve(PkiFiles.SIGNING_REQUEST)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.exists(data.resolve(PkiFiles.SIGNING_REQUEST)), "a signing request for the new key");
        while (!g1.answering() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(3000);
        GatewayClient.Answer health = g1.get("health/ready");
        assertEquals(503, health.status(), () -> "not ready while it waits: " + health.body());
        assertTrue(health.body().toString().contains("waiting for the certificate of the new signing key"), health.body().toString());
        PeerClient.Answer door = PeerClient.as(embedded.g2(), node).post("{}");
        assertEquals(503, door.status(), () -> "the peer endpoint asks to come back later: " + door.body());
        assertEquals("ACTIVE", g2.transfer(id).orElseThrow().path("state").asText(), "G2's session waits");

        // the operator: bank-one's CA certifies the request
        PkiFiles.Organisation bankOne = PkiFiles.existingOrganisation(Path.of(caDir), "bank-one");
        var cert = Certificates.signingFromRequest(bankOne.root(), bankOne.key(),
                Files.readString(data.resolve(PkiFiles.SIGNING_REQUEST)), List.of(), Instant.now(), Duration.ofDays(30));
        PkiFiles.replace(data.resolve(PkiFiles.SIGNING_CERTIFICATE), Certificates.toPem(cert));
        long installed = System.nanoTime();
        node.awaitReady(g1, Duration.ofMinutes(2));
        Transfers.awaitBoth(g1, g2, id, Duration.ofSeconds(120), Transfers::bothEnded);
        System.out.printf("[key-loss] G1 waited for its certificate; ready %d ms after it was installed; transfer %s%n",
                (System.nanoTime() - installed) / 1_000_000, g1.transfer(id).orElseThrow().path("state").asText());
        assertEquals("COMPLETED", g1.transfer(id).orElseThrow().path("state").asText());
        assertEquals("COMPLETED", g2.transfer(id).orElseThrow().path("state").asText());
        assertEquals(Transfers.BOB, g2.asset(asset).orElseThrow().path("owner").asText());
        assertEquals(supplyBefore, g1.totalSupply() + g2.totalSupply(), "total supply unchanged");
        assertTrue(Files.readString(embedded.g2().log()).contains("signs with the new key"), "G2 switched to G1's new key");
    }

    /**
     * The key is lost while no session is under way: the restarted gateway announces the new key in a recover-msg of
     * its latest (ended) session, and the next transfer goes through with it.
     */
    @Test
    void aKeyLostWithNoSessionUnderWayIsAnnouncedOnTheLatestSession() throws Exception {
        GatewayNode node = embedded.g2();
        Transfers.completeOne(g1, g2);
        GatewayKeyPair before = KeyFiles.loadOrCreate(node.dataDir(), "gateway");
        long switches = switches();
        node.kill9();
        Files.delete(node.dataDir().resolve("gateway.key.json"));
        node.launch();
        node.awaitReady(g2, Duration.ofMinutes(4));
        assertNotEquals(before.publicJwk(), KeyFiles.loadOrCreate(node.dataDir(), "gateway").publicJwk());
        // the announcement travels after G2 is ready; a proposal G1 sends before it has switched still names G2's
        // old key and is rejected (docs/security.md), so the next transfer waits for the switch
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(60).toNanos();
        while (switches() == switches && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(switches() > switches, "G1 switched to G2's new key");
        long switched = System.nanoTime();
        String id = Transfers.completeOne(g1, g2);
        System.out.printf("[key-loss] no session under way: G1 switched %d ms after G2 was ready; the next transfer %s"
                + " completed %d ms after that%n", (switched - t0) / 1_000_000, id, (System.nanoTime() - switched) / 1_000_000);
    }

    /** How many key switches G1 has logged. */
    private long switches() throws java.io.IOException {
        return Files.readAllLines(embedded.g1().log()).stream().filter(l -> l.contains("signs with the new key")).count();
    }

    private void arm(GatewayNode node, String point) throws Exception {
        pair.arm(node, point);
    }
}
