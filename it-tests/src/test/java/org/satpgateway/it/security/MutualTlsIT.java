package org.satpgateway.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.ejb.config.PkiFiles;
import org.satpgateway.it.support.SharedGateways;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.PeerClient;

/**
 * Mutual TLS between the gateways, on real Payara Micro processes: the peer listener takes TLS 1.3 with a client
 * certificate from the counterpart organisation only; everything else fails before any SATP processing. After a
 * kill -9 and restart, every connection is a new TLS session, on both sides. On the pair the test classes share
 * ({@link SharedGateways}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedGateways.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MutualTlsIT {
    private static final String MESSAGE = "{\"hello\":\"world\"}";

    Path work;
    Embedded embedded;
    GatewayClient g1;
    GatewayClient g2;

    @BeforeAll
    void start(Embedded shared) {
        embedded = shared;
        work = embedded.options().workDir();
        g1 = Embedded.client(embedded.g1());
        g2 = Embedded.client(embedded.g2());
    }

    @Test
    @Order(1)
    void theCounterpartsCertificateOverTls13ReachesTheDoor() throws Exception {
        PeerClient.Answer a = PeerClient.as(embedded.g1(), embedded.g2()).post(MESSAGE);
        assertEquals(400, a.status(), "through TLS; refused by the door as not a SATP message: " + a.body());
        assertEquals("TLSv1.3", a.session().getProtocol());
        assertTrue(a.session().getPeerPrincipal().getName().contains("CN=gateway-two"), a.session().getPeerPrincipal().getName());
    }

    @Test
    @Order(2)
    void plainHttpOnThePeerPortIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", embedded.g2().peerPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /satp/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + MESSAGE.length() + "\r\nConnection: close\r\n\r\n" + MESSAGE)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(s.getInputStream());
            assertFalse(answer.startsWith("HTTP/1.1 2"), "no plain HTTP answer on the peer port: " + answer);
            assertFalse(answer.contains("urn:ietf:params:satp"), "the door never saw it: " + answer);
        }
        // and on the service port, the path takes no peer message
        GatewayClient.Answer plain = g2.post("satp/v1/messages", Map.of("hello", "world"));
        assertEquals(403, plain.status());
        assertEquals("urn:ietf:params:satp:core:error:err_0.1.2", plain.body().path("type").asText());
    }

    @Test
    @Order(3)
    void tls12IsRefused() {
        SSLContext tls12 = PeerClient.context(embedded.g1().dataDir().resolve(PkiFiles.TLS_KEY_STORE),
                embedded.g1().dataDir().resolve(PkiFiles.TRUST_STORE), storePassword(), "TLSv1.2");
        PeerClient client = new PeerClient(embedded.g2().peerEndpoint(), tls12, "TLSv1.2");
        IOException e = assertThrows(IOException.class, () -> client.post(MESSAGE));
        assertInstanceOf(javax.net.ssl.SSLHandshakeException.class, e, "the TLS 1.2 handshake is refused: " + e);
        System.out.println("[mutual-tls] TLS 1.2 client: " + e);
    }

    @Test
    @Order(4)
    void aClientWithoutCertificateIsRefused() {
        SSLContext anonymous = PeerClient.context(null, embedded.g1().dataDir().resolve(PkiFiles.TRUST_STORE),
                storePassword(), "TLSv1.3");
        PeerClient client = new PeerClient(embedded.g2().peerEndpoint(), anonymous);
        IOException e = assertThrows(IOException.class, () -> client.post(MESSAGE));
        assertRefusedInTls(e);
        System.out.println("[mutual-tls] no client certificate: " + e);
    }

    @Test
    @Order(5)
    void aClientCertificateFromAnotherCaIsRefused() {
        PkiFiles.Organisation bankThree = PkiFiles.organisation(work.resolve("pki/bank-three"), "bank-three");
        PkiFiles.Organisation bankTwo = PkiFiles.organisation(work.resolve("pki/bank-two"), "bank-two");
        Path stranger = work.resolve("stranger");
        // a certificate naming gateway-one, from a CA that bank-two does not trust; the stranger trusts bank-two
        PkiFiles.provision(bankThree, bankTwo.root(), stranger, "gateway-one", List.of("127.0.0.1"),
                "changeit".toCharArray(), List.of());
        SSLContext foreign = PeerClient.context(stranger.resolve(PkiFiles.TLS_KEY_STORE),
                stranger.resolve(PkiFiles.TRUST_STORE), "changeit".toCharArray(), "TLSv1.3");
        PeerClient client = new PeerClient(embedded.g2().peerEndpoint(), foreign);
        IOException e = assertThrows(IOException.class, () -> client.post(MESSAGE));
        assertRefusedInTls(e);
        System.out.println("[mutual-tls] client certificate from bank-three: " + e);
    }

    @Test
    @Order(5)
    void thePeerListenerServesThePeerEndpointOnlyToTheCounterpartsCertificate() throws Exception {
        PeerClient asG1 = PeerClient.as(embedded.g1(), embedded.g2());
        String job = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Transfers.job("bond-x", 1, "ctx-peer-port"));
        Map<String, PeerClient.Answer> answers = new java.util.LinkedHashMap<>();
        answers.put("POST /api/v1/transfers", asG1.call("POST", "/api/v1/transfers", job));
        answers.put("GET /api/v1/transfers", asG1.call("GET", "/api/v1/transfers", null));
        answers.put("POST /api/v1/ledger/assets", asG1.call("POST", "/api/v1/ledger/assets",
                "{\"assetId\":\"bond-peer\",\"owner\":\"mallory@bank-one\",\"amount\":1}"));
        answers.put("GET /api/v1/ledger/supply", asG1.call("GET", "/api/v1/ledger/supply", null));
        answers.put("GET /api/v1/admin/step-failures", asG1.call("GET", "/api/v1/admin/step-failures", null));
        answers.put("GET /api/v1/version", asG1.call("GET", "/api/v1/version", null));
        answers.put("POST /satp/v1/messages/x", asG1.call("POST", "/satp/v1/messages/x", MESSAGE));
        answers.forEach((call, a) -> assertEquals(404, a.status(), () -> call + " on the peer listener: " + a.body()));
        PeerClient.Answer get = asG1.get();
        assertEquals(405, get.status(), () -> "GET /satp/v1/messages: " + get.body());
        assertTrue(g2.asset("bond-peer").isEmpty(), "nothing was issued through the peer listener");
        assertEquals(400, asG1.post(MESSAGE).status(), "POST /satp/v1/messages still reaches the door");
    }

    @Test
    @Order(5)
    void aMessageIsTakenOnlyFromTheGatewayWhoseCertificateIsOnTheConnection() throws Exception {
        PkiFiles.Organisation bankOne = PkiFiles.organisation(work.resolve("pki/bank-one"), "bank-one");
        PkiFiles.Organisation bankTwo = PkiFiles.organisation(work.resolve("pki/bank-two"), "bank-two");
        // another gateway of bank-one, certified by its CA: a TLS certificate bank-two's listener accepts
        Path rogue = work.resolve("rogue-gateway");
        PkiFiles.provision(bankOne, bankTwo.root(), rogue, "gateway-one-rogue", List.of("127.0.0.1"),
                "changeit".toCharArray(), List.of());
        SSLContext asRogue = PeerClient.context(rogue.resolve(PkiFiles.TLS_KEY_STORE), rogue.resolve(PkiFiles.TRUST_STORE),
                "changeit".toCharArray(), "TLSv1.3");
        // a message signed with gateway-one's own key (as if its key leaked to the other host)
        org.satpgateway.core.crypto.GatewayKeyPair g1Key = org.satpgateway.ejb.config.KeyFiles.loadOrCreate(
                embedded.g1().dataDir(), "gateway");
        String session = UUID.randomUUID().toString();
        var recover = new org.satpgateway.core.message.Recover(new org.satpgateway.core.message.Common("1.0",
                org.satpgateway.core.message.MessageType.RECOVER, session, "ctx-" + session, 1, null, Instant.now().toString()),
                "stage-1", false, null, null, Instant.now().toString(), "probe");
        String wire = new org.satpgateway.core.codec.MessageSigner(new org.satpgateway.core.codec.MessageCodec(), g1Key)
                .sign(recover).wire();
        PeerClient.Answer a = new PeerClient(embedded.g2().peerEndpoint(), asRogue).deliver(wire, UUID.randomUUID().toString());
        assertEquals(403, a.status(), () -> String.valueOf(a.body()));
        assertTrue(a.body().path("detail").asText().contains("gateway-one-rogue"), a.body().toString());
        assertTrue(g2.transfer(session).isEmpty(), "no session was opened");
    }

    /** The password of G1's key stores, which the launcher generated. */
    private char[] storePassword() {
        return embedded.g1().settings().get("gateway.tls.key-store-password").toCharArray();
    }

    /**
     * A TLS 1.3 server refuses a client's certificate after the client's side of the handshake has finished: the
     * client sees the connection end before any HTTP answer (or a TLS alert), never a refused connection or a status.
     */
    private static void assertRefusedInTls(IOException e) {
        assertFalse(e instanceof java.net.ConnectException, "the peer listener was not reachable at all: " + e);
        String text = String.valueOf(e.getMessage());
        assertTrue(e instanceof javax.net.ssl.SSLException || text.contains("header parser received no bytes")
                || text.contains("Connection reset"), "refused by the TLS layer, before any HTTP answer: " + e);
    }

    @Test
    @Order(6)
    void afterAKill9AndRestartEveryConnectionIsANewTlsSession() throws Exception {
        // A client that keeps its TLS context resumes its session on a new connection: that is what must not
        // happen across a crash. (TLS 1.3 gives every connection a new session id; a resumption shows as no
        // certificate check and the first session's creation time.)
        AtomicInteger full = new AtomicInteger();
        SSLContext asG1 = PeerClient.countingContext(embedded.g1(), full);
        SSLSession first = new PeerClient(embedded.g2().peerEndpoint(), asG1).post(MESSAGE).session();
        SSLSession second = new PeerClient(embedded.g2().peerEndpoint(), asG1).post(MESSAGE).session();
        System.out.printf("[mutual-tls] before the crash: full handshakes %d; sessions created %s and %s%n", full.get(),
                Instant.ofEpochMilli(first.getCreationTime()), Instant.ofEpochMilli(second.getCreationTime()));
        assertEquals(1, full.get(), "the second connection resumed the first one's session");
        Transfers.completeOne(g1, g2);
        JsonNode before = g1.get("api/v1/admin/peer-tls").body();
        assertTrue(before.path("fullHandshakes").asLong() >= 1, "G1 delivered over TLS: " + before);

        embedded.g2().kill9();
        Instant restart = Instant.now();
        embedded.g2().launch();
        embedded.g2().awaitReady(g2, Duration.ofMinutes(4));

        SSLSession after = new PeerClient(embedded.g2().peerEndpoint(), asG1).post(MESSAGE).session();
        System.out.printf("[mutual-tls] after the restart: full handshakes %d; session created %s%n", full.get(),
                Instant.ofEpochMilli(after.getCreationTime()));
        assertEquals(2, full.get(), "the same client's offer to resume was refused: a full handshake");
        assertTrue(after.getCreationTime() >= restart.toEpochMilli(), "a session set up after the restart");

        Transfers.completeOne(g1, g2);
        JsonNode g1After = g1.get("api/v1/admin/peer-tls").body();
        System.out.println("[mutual-tls] G1 towards G2 after the restart: " + g1After);
        assertTrue(Instant.parse(g1After.path("lastFullHandshake").asText()).isAfter(restart), "G1 made a full handshake after the restart");
        JsonNode newest = g1After.path("connections").get(0);
        assertTrue(Instant.parse(newest.path("sessionCreated").asText()).isAfter(restart), "G1's latest session is new: " + newest);
        assertEquals("TLSv1.3", newest.path("protocol").asText());
        JsonNode g2After = g2.get("api/v1/admin/peer-tls").body();
        assertTrue(Instant.parse(g2After.path("clientCreated").asText()).isAfter(restart), "G2's client is new: " + g2After);
    }

    private static String readAll(InputStream in) {
        StringBuilder b = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                b.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException closedOrReset) {
            b.append("<").append(closedOrReset.getClass().getSimpleName()).append(">");
        }
        return b.toString();
    }
}
