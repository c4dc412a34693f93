package org.satpgateway.it.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.satpgateway.ejb.config.PkiFiles;
import org.satpgateway.launcher.BrokerNode;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.IdentityProvider;
import org.satpgateway.launcher.Layout;
import org.satpgateway.launcher.PeerClient;
import org.w3c.dom.Document;

/**
 * The EAR on Payara Server (the full distribution, unpacked by Maven into target/), set up the way a gateway's server
 * is set up: a real Artemis broker first ({@code config/run-broker.sh}); a domain of its own under target/ (ports
 * from {@code satp.payaraServer.portBase}, 28000 by default, broker on {@code satp.payaraServer.brokerPort}); the
 * server-level resources from {@code config/payara/server-setup.asadmin} with the broker's port and the RAR's path
 * filled in, checked in domain.xml; both pools pinged (the resource adapter reaches the broker); then
 * {@code asadmin deploy} of the EAR, which must answer {@code GET /api/v1/version} at context root /.
 * <p>
 * One boot only, to keep the test short: {@code jms-service.type=DISABLED} and transaction recovery act at the next
 * start-up, so here they are checked in domain.xml only (the bundled OpenMQ is lazy and is not started meanwhile).
 * The domain is stopped at the end (its JVM killed if stop-domain fails), also when the test fails.
 */
class PayaraServerEarIT {

    private static final Path PAYARA = Path.of(System.getProperty("satp.payaraServer"));
    private static final Path EAR = Path.of(System.getProperty("satp.ear"));
    private static final Path RAR = Path.of(System.getProperty("satp.rar"));
    private static final Path CONFIG = Path.of(System.getProperty("satp.root"));
    private static final Path WORK = Path.of(System.getProperty("satp.work", "target/it")).toAbsolutePath()
            .resolve("payara-server");
    private static final String VERSION = System.getProperty("project.version");
    private static final int PORT_BASE = Integer.getInteger("satp.payaraServer.portBase", 28000);
    private static final int BROKER_PORT = Integer.getInteger("satp.payaraServer.brokerPort", 28616);
    private static final Duration READY = Duration.ofSeconds(180);
    private static final Duration POLL = Duration.ofMillis(200);
    /** The stand-in for the bank's identity provider: the gateway takes its tokens. */
    /** The test domain's database passwords (the server files have none of their own). */
    private static final String LOG_PASSWORD = "log-" + java.util.UUID.randomUUID();
    private static final String LEDGER_PASSWORD = "ledger-" + java.util.UUID.randomUUID();
    private static final IdentityProvider IDP = IdentityProvider.in(WORK.resolve("identity-provider"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void earDeploysOnTheConfiguredDomainAndAnswersItsVersion() throws Exception {
        assertTrue(Files.isRegularFile(PAYARA.resolve("bin/asadmin")), "Payara Server not unpacked at " + PAYARA);
        assertTrue(Files.isRegularFile(EAR), "EAR not built: " + EAR);
        assertTrue(Files.isRegularFile(RAR), "RAR not built: " + RAR);
        Files.createDirectories(WORK);

        Layout layout = new Layout(Path.of(System.getProperty("satp.repository")));
        long tb = System.nanoTime();
        try (BrokerNode broker = new BrokerNode(layout, WORK.resolve("broker-" + System.nanoTime()), BROKER_PORT).start();
                PayaraDomain domain = new PayaraDomain(PAYARA, WORK, "satpgw", PORT_BASE)) {
            System.out.printf("[payara-server] broker ready on port %d in %d ms%n", broker.port(), ms(tb, System.nanoTime()));
            long t0 = System.nanoTime();
            domain.create();
            long t = step("create-domain", t0);
            domain.start();
            t = step("start-domain", t);

            // every password of domain.xml as a password alias, as docs/security.md asks of production
            domain.createPasswordAlias("satp-log-db", LOG_PASSWORD);
            domain.createPasswordAlias("satp-broker", broker.credentials("gateway").password());
            domain.createPasswordAlias("satp-stores", "changeit");
            t = step("create-password-alias (three)", t);
            domain.multimode(renderSetup(broker.port(), broker.credentials("gateway"), domain));
            t = step("server-setup.asadmin (multimode)", t);
            assertServerResources(domain.domainXml(), broker.port());
            domain.multimode(renderSettings(domain));
            t = step("gateway settings (set-config-property)", t);
            awaitPing(domain, "satpCfPool", "the Artemis resource adapter reaches the broker on the port it was given");
            awaitPing(domain, "satpLogPool", "the log's XA pool opens its H2 database");
            t = step("ping satpCfPool and satpLogPool", t);

            domain.deploy(EAR, "satp-gateway");
            t = step("deploy EAR", t);
            String body = awaitVersion(domain);
            step("/api/v1/version answering after the deploy", t);
            assertTrue(body.contains("\"version\":\"" + VERSION + "\""), "the built version: " + body);
            assertTrue(Files.isRegularFile(domain.dir().resolve("data/satplog.mv.db")),
                    "the log's persistence unit deployed onto jdbc/satpLog (H2 file in the domain's data folder)");
            submitsAJob(domain);
            String domainXml = Files.readString(domain.domainXml());
            for (String secret : List.of(LOG_PASSWORD, LEDGER_PASSWORD, broker.credentials("gateway").password(), "changeit")) {
                assertFalse(domainXml.contains(secret), "domain.xml holds password aliases, not passwords (the settings too)");
            }
            assertTrue(domainXml.contains("${ALIAS=satp-log-db}") && domainXml.contains("${ALIAS=satp-broker}")
                    && domainXml.contains("${ALIAS=satp-stores}"), "the aliases are in domain.xml");
            t = step("a job submitted: its session opened and its proposal logged", t);
            peerListenerTakesOnlyTheCounterpartOverMutualTls(domain);
            step("the peer listener: mutual TLS 1.3, TLS 1.2 and a client without certificate refused", t);
            System.out.printf("[payara-server] server JVM RSS %d MiB; create-domain to the version answering %d ms%n",
                    domain.rssMiB(), ms(t0, System.nanoTime()));
            printSevere(domain.serverLog());
        }
    }

    /**
     * The gateway's settings as MicroProfile Config properties of the domain (docs/configuration.md), and its keys and
     * certificates (bank-one's root; bank-two's root in its trust store). The counterpart is not running: only its
     * signing certificate exists, and its endpoint does not answer.
     */
    private static Path renderSettings(PayaraDomain domain) throws IOException, InterruptedException {
        PkiFiles.Organisation one = PkiFiles.organisation(WORK.resolve("pki/bank-one"), "bank-one");
        PkiFiles.Organisation two = PkiFiles.organisation(WORK.resolve("pki/bank-two"), "bank-two");
        List<String> hosts = List.of("127.0.0.1", "localhost");
        PkiFiles.provision(one, two.root(), domain.dir().resolve("data/gateway"), "gateway-one", hosts,
                "changeit".toCharArray(), List.of());
        PkiFiles.provision(two, one.root(), WORK.resolve("peer"), "gateway-two", hosts, "changeit".toCharArray(), List.of());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("gateway.id", "gateway-one");
        settings.put("gateway.network", "ledger-one");
        settings.put("gateway.owner", "bank-one");
        settings.put("gateway.data-dir", domain.dir().resolve("data/gateway").toString());
        settings.put("gateway.peer.id", "gateway-two");
        settings.put("gateway.peer.network", "ledger-two");
        settings.put("gateway.peer.owner", "bank-two");
        settings.put("gateway.peer.endpoint", "https://127.0.0.1:9/satp/v1/messages");
        settings.put("gateway.peer.certificate-file", WORK.resolve("peer").resolve(PkiFiles.SIGNING_CERTIFICATE).toString());
        settings.put("gateway.ledger.issuing", "true");
        settings.put("gateway.peer-listener.port", Integer.toString(domain.httpPort + 1));
        settings.put("gateway.tls.key-store-password", "changeit");
        settings.put("gateway.tls.trust-store-password", "changeit");
        settings.put("gateway.ledger.password", LEDGER_PASSWORD);
        settings.putAll(IDP.gatewaySettings());
        StringBuilder commands = new StringBuilder();
        // the passwords are password aliases named as the settings (Payara's password config source reads the
        // domain's encrypted alias store), the rest goes to the domain's config source in domain.xml
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (e.getKey().endsWith("password")) {
                domain.createPasswordAlias(e.getKey(), e.getValue());
            } else {
                commands.append("set-config-property --source domain --propertyName ").append(e.getKey())
                        .append(" --propertyValue ").append(e.getValue()).append('\n');
            }
        }
        Path file = WORK.resolve("gateway-settings.asadmin");
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))); // it holds passwords
        return Files.writeString(file, commands.toString());
    }

    /**
     * The domain's HTTPS listener as the peer listener: the counterpart's TLS certificate over TLS 1.3 reaches the
     * door; TLS 1.2 and a client without a certificate do not; the plain listener takes no peer message.
     */
    private static void peerListenerTakesOnlyTheCounterpartOverMutualTls(PayaraDomain domain) throws Exception {
        URI peerEndpoint = URI.create("https://127.0.0.1:" + (domain.httpPort + 1) + "/satp/v1/messages");
        Path peer = WORK.resolve("peer");
        char[] pw = "changeit".toCharArray();
        PeerClient.Answer a = new PeerClient(peerEndpoint, PeerClient.context(peer.resolve(PkiFiles.TLS_KEY_STORE),
                peer.resolve(PkiFiles.TRUST_STORE), pw, "TLSv1.3")).post("{\"hello\":\"world\"}");
        assertEquals(400, a.status(), () -> "through TLS, refused by the door as not a SATP message: " + a.body());
        assertEquals("TLSv1.3", a.session().getProtocol());
        assertTrue(a.session().getPeerPrincipal().getName().contains("CN=gateway-one"), a.session().getPeerPrincipal().getName());
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> new PeerClient(peerEndpoint,
                PeerClient.context(peer.resolve(PkiFiles.TLS_KEY_STORE), peer.resolve(PkiFiles.TRUST_STORE), pw, "TLSv1.2"),
                "TLSv1.2").post("{}"), "TLS 1.2 is refused");
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> new PeerClient(peerEndpoint,
                PeerClient.context(null, peer.resolve(PkiFiles.TRUST_STORE), pw, "TLSv1.3")).post("{}"),
                "a client without a certificate is refused");
        GatewayClient.Answer plain = new GatewayClient(URI.create("http://127.0.0.1:" + domain.httpPort + "/"))
                .post("satp/v1/messages", Map.of("hello", "world"));
        assertEquals(403, plain.status(), () -> String.valueOf(plain.body()));
        PeerClient.Answer other = new PeerClient(peerEndpoint.resolve("/api/v1/version"), PeerClient.context(
                peer.resolve(PkiFiles.TLS_KEY_STORE), peer.resolve(PkiFiles.TRUST_STORE), pw, "TLSv1.3")).get();
        assertEquals(404, other.status(), () -> "the peer listener serves the protocol's endpoint only: " + other.body());
    }

    /** A job by REST: the counterpart's certified key lets it open its session. */
    private void submitsAJob(PayaraDomain domain) throws Exception {
        GatewayClient g = new GatewayClient(URI.create("http://127.0.0.1:" + domain.httpPort + "/"),
                IDP.token("ear-test", "gateway-one", List.of("back-office", "ledger-issuer"), List.of("*@bank-one"),
                        Duration.ofHours(1)));
        assertEquals(401, g.as(null).issue("bond-ear-0", "alice@bank-one", 10).status(), "no token, no asset");
        assertEquals(201, g.issue("bond-ear-1", "alice@bank-one", 10).status());
        Map<String, Object> job = Map.of("transferContextId", "ctx-ear-1", "digitalAssetId", "bond-ear-1",
                "assetProfileId", "bond/v1", "amount", 10, "originator", "alice@bank-one", "beneficiary", "bob@bank-two",
                "originatorPublicKey", "k1", "beneficiaryPublicKey", "k2");
        // until its start-up recovery has run the gateway answers 503 with Retry-After, as a back office would see
        long deadline = System.nanoTime() + READY.toNanos();
        GatewayClient.Answer a = g.submit(job);
        while (a.status() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(POLL.toMillis());
            a = g.submit(job);
        }
        GatewayClient.Answer answer = a;
        assertEquals(202, answer.status(), () -> String.valueOf(answer.body()));
        JsonNode t = g.transfer(answer.body().path("id").asText()).orElseThrow();
        assertEquals("ACTIVE", t.path("state").asText(), t::toString);
        assertEquals("transfer-proposal-msg", t.path("history").get(0).path("type").asText(), t::toString);
    }

    /** config/payara/server-setup.asadmin with its placeholders filled in, written next to the domain. */
    private static Path renderSetup(int brokerPort, BrokerNode.Credentials brokerUser, PayaraDomain domain) throws IOException {
        String template = Files.readString(CONFIG.resolve("payara/server-setup.asadmin"));
        assertTrue(template.contains("@BROKER_PORT@") && template.contains("@ARTEMIS_RAR@")
                && template.contains("@BROKER_USER@") && template.contains("@BROKER_PASSWORD@"), "placeholders in the template");
        assertEquals("artemis-ra.rar", RAR.getFileName().toString(), "the RAR's file name gives the adapter's name");
        Path data = domain.dir().resolve("data/gateway");
        String rendered = template.replace("@BROKER_PORT@", Integer.toString(brokerPort))
                .replace("@BROKER_USER@", brokerUser.user()).replace("@BROKER_PASSWORD@", "${ALIAS\\\\=satp-broker}")
                .replace("@ARTEMIS_RAR@", RAR.toAbsolutePath().normalize().toString())
                .replace("@KEY_STORE@", data.resolve(PkiFiles.TLS_KEY_STORE).toString())
                .replace("@TRUST_STORE@", data.resolve(PkiFiles.TRUST_STORE).toString())
                .replace("@KEY_STORE_PASSWORD@", "${ALIAS=satp-stores}").replace("@TRUST_STORE_PASSWORD@", "${ALIAS=satp-stores}")
                .replace("@LOG_DB_PASSWORD@", "${ALIAS\\\\=satp-log-db}").replace("@SERVICE_ADDRESS@", "127.0.0.1");
        Path file = WORK.resolve("server-setup.asadmin");
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))); // it holds passwords
        return Files.writeString(file, rendered);
    }

    /** What the gateway's correctness depends on, read from domain.xml (not from the commands' answers). */
    private static void assertServerResources(Path domainXml, int brokerPort) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(domainXml.toFile());
        XPath xpath = XPathFactory.newInstance().newXPath();
        String config = "/domain/configs/config[@name='server-config']";
        String pool = "/domain/resources/jdbc-connection-pool[@name='satpLogPool']";
        String cfPool = "/domain/resources/connector-connection-pool[@name='satpCfPool']";
        assertEquals("true", xpath.evaluate(config + "/transaction-service/@automatic-recovery", doc),
                "automatic-recovery on the server's transaction service (in-doubt XA is recovered only then)");
        assertEquals("DISABLED", xpath.evaluate(config + "/jms-service/@type", doc), "the bundled OpenMQ is off");
        assertEquals("127.0.0.1", xpath.evaluate(config + "/network-config/network-listeners/network-listener"
                + "[@name='http-listener-1']/@address", doc), "the service listener is bound to the configured address");
        assertEquals("127.0.0.1", xpath.evaluate(config + "/admin-service/jmx-connector[@name='system']/@address", doc),
                "JMX on the loopback address only");
        assertEquals("javax.sql.XADataSource", xpath.evaluate(pool + "/@res-type", doc), "the log's pool is XA");
        assertEquals("org.h2.jdbcx.JdbcDataSource", xpath.evaluate(pool + "/@datasource-classname", doc));
        assertEquals("jdbc:h2:file:${com.sun.aas.instanceRoot}/data/satplog;WRITE_DELAY=0",
                xpath.evaluate(pool + "/property[@name='url']/@value", doc), "H2 keeps commits across kill -9");
        assertEquals("satpLogPool", xpath.evaluate("/domain/resources/jdbc-resource[@jndi-name='jdbc/satpLog']/@pool-name", doc));
        assertEquals("host=127.0.0.1;port=" + brokerPort, xpath.evaluate("/domain/resources/resource-adapter-config"
                + "[@resource-adapter-name='artemis-ra']/property[@name='ConnectionParameters']/@value", doc));
        assertEquals("gateway", xpath.evaluate("/domain/resources/resource-adapter-config"
                + "[@resource-adapter-name='artemis-ra']/property[@name='UserName']/@value", doc),
                "the adapter's broker user, the default of the message-driven beans' activations");
        assertEquals("gateway", xpath.evaluate(cfPool + "/property[@name='UserName']/@value", doc), "the pool's broker user");
        assertEquals("rar", xpath.evaluate("/domain/applications/application[@name='artemis-ra']"
                + "/property[@name='archiveType']/@value", doc), "the RAR is deployed as artemis-ra");
        assertEquals("artemis-ra", xpath.evaluate(cfPool + "/@resource-adapter-name", doc));
        assertEquals("XATransaction", xpath.evaluate(cfPool + "/@transaction-support", doc));
        assertEquals("jakarta.jms.ConnectionFactory", xpath.evaluate(cfPool + "/@connection-definition-name", doc));
        assertEquals("satpCfPool", xpath.evaluate(
                "/domain/resources/connector-resource[@jndi-name='jms/satpConnectionFactory']/@pool-name", doc));
        for (String ref : List.of("jdbc/satpLog", "jms/satpConnectionFactory")) {
            assertEquals("1", xpath.evaluate("count(/domain/servers/server[@name='server']/resource-ref[@ref='"
                    + ref + "'])", doc), ref + " is enabled on the server");
        }
    }

    private static void awaitPing(PayaraDomain domain, String pool, String what) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (domain.pingConnectionPool(pool)) {
                return;
            }
            assertFalse(domain.exitsWithin(POLL), "the server JVM exited; see " + domain.serverLog());
        }
        fail("ping-connection-pool " + pool + " did not succeed within " + READY + " (" + what + "); see "
                + domain.serverLog());
    }

    private String awaitVersion(PayaraDomain domain) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + domain.httpPort + "/api/v1/version"))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + IDP.token("ear-test", "gateway-one", List.of("operator"), READY)).build();
        long deadline = System.nanoTime() + READY.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"product\":\"SATP Gateway\"")) {
                    return response.body();
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            assertFalse(domain.exitsWithin(POLL), "the server JVM exited; see " + domain.serverLog());
        }
        fail("/api/v1/version did not answer within " + READY + "; last: " + last);
        return null;
    }

    /** The SEVERE records in the server's log, one line each (the ODL format starts the message on the next line). */
    private static void printSevere(Path serverLog) throws IOException {
        List<String> lines = Files.readAllLines(serverLog);
        List<String> severe = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains("] [SEVERE] [")) {
                severe.add(lines.get(i + 1).strip());
            }
        }
        Set<String> distinct = new LinkedHashSet<>();
        severe.forEach(s -> distinct.add(s.length() > 160 ? s.substring(0, 160) + "..." : s));
        System.out.printf("[payara-server] SEVERE records in server.log: %d%n", severe.size());
        distinct.forEach(s -> System.out.println("[payara-server]   " + s));
    }

    /** Prints how long a step took since {@code fromNanos}; returns now. */
    private static long step(String what, long fromNanos) {
        long now = System.nanoTime();
        System.out.printf("[payara-server] %s: %d ms%n", what, ms(fromNanos, now));
        return now;
    }

    private static long ms(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
