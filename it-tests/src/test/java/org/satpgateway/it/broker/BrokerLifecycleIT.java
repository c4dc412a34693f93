package org.satpgateway.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/** Start, crash (kill -9), restart, SIGTERM; refusals to start without a safe users file or without TLS off loopback. */
class BrokerLifecycleIT {

    /** 3 persistent messages sent (send returns after the broker fsynced them), kill -9, restart: all 3 there. */
    @Test
    void persistentMessagesSurviveKill9() throws Exception {
        Path data = BrokerProcess.freshDir("crash-data");
        int port = BrokerProcess.freePort();
        try (BrokerProcess first = BrokerProcess.start(data, port, "crash-1")) {
            try (ActiveMQConnectionFactory cf = first.factory("back-office");
                 Connection c = cf.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("satp.jobs"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 1; i <= 3; i++) {
                    p.send(s.createTextMessage("job " + i));
                }
            }
            System.out.printf("[crash] sent 3, kill -9 pid %d (RSS %d MiB)%n", first.pid(), first.rssMiB());
            first.kill9();
            assertEquals(137, first.process.exitValue(), "killed by SIGKILL");
        }
        try (BrokerProcess second = BrokerProcess.start(data, port, "crash-2");
             ActiveMQConnectionFactory cf = second.factory("gateway");
             Connection c = cf.createConnection()) {
            System.out.printf("[crash] restarted on the same journal: ready %d ms after process start%n",
                    second.startMillis);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("satp.jobs"));
            for (int i = 1; i <= 3; i++) {
                TextMessage m = (TextMessage) consumer.receive(5000);
                assertNotNull(m, "message " + i + " survived kill -9");
                assertEquals("job " + i, m.getText());
            }
            assertNull(consumer.receive(500));
            System.out.println("[crash] received 3 of 3 after kill -9 and restart");
        }
    }

    /** SIGTERM runs the shutdown hook: the broker stops cleanly (AMQ221002) and the JVM exits with 143. */
    @Test
    void sigtermStopsCleanly() throws Exception {
        try (BrokerProcess b = BrokerProcess.start(BrokerProcess.freshDir("sigterm-data"), BrokerProcess.freePort(),
                "sigterm")) {
            long[] elapsed = new long[1];
            int code = b.sigterm(Duration.ofSeconds(30), elapsed);
            System.out.printf("[sigterm] exit %d after %d ms%n", code, elapsed[0]);
            assertEquals(143, code);
            String log = b.logText();
            assertTrue(log.contains("AMQ221002"), "Artemis logged its stop");
            assertTrue(log.contains("SATP-BROKER STOPPED"));
        }
    }

    /** A second broker on a port in use exits at once with 1 (no half-started broker without acceptor). */
    @Test
    void portInUseFailsFast() throws Exception {
        try (BrokerProcess b = BrokerProcess.start(BrokerProcess.freshDir("port-a"), BrokerProcess.freePort(), "port-a")) {
            long t0 = System.nanoTime();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> BrokerProcess.start(BrokerProcess.freshDir("port-b"), b.port, "port-b"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[port clash] %s after %d ms%n", e.getMessage(), ms);
            assertTrue(e.getMessage().contains("exited with 1"));
            assertTrue(ms < 20_000);
        }
    }

    /** No users file, one that does not exist, or one its group or others may read: the broker does not start. */
    @Test
    void refusesToStartWithoutAnOwnerOnlyUsersFile() throws Exception {
        Path data = BrokerProcess.freshDir("users-data");
        int port = BrokerProcess.freePort();
        assertRefused(data, port, "no-users", Map.of("BROKER_USERS", ""), "-Dsatp.broker.users is not set");
        Path missing = BrokerProcess.WORK.resolve("no-such-users.properties");
        assertRefused(data, port, "missing-users", Map.of("BROKER_USERS", missing.toString()), "does not exist");
        Path open = BrokerProcess.writeUsersFile(BrokerProcess.WORK.resolve("open-users.properties"), BrokerProcess.PASSWORDS);
        for (String mode : List.of("rw-r-----", "rw----r--", "rw-rw-rw-")) {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString(mode));
            assertRefused(data, port, "open-users", Map.of("BROKER_USERS", open.toString()), "is open to its group or others");
        }
        Path noRoles = BrokerProcess.WORK.resolve("no-roles-users.properties");
        Files.deleteIfExists(noRoles);
        Files.createFile(noRoles, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(noRoles, "user.gateway=" + BrokerProcess.PASSWORDS.get("gateway") + "\n");
        assertRefused(data, port, "no-roles", Map.of("BROKER_USERS", noRoles.toString()), "has no roles.<name> line");
    }

    /** An acceptor off loopback without a TLS key store: the broker does not start (before it binds the port). */
    @Test
    void refusesANonLoopbackHostWithoutTls() throws Exception {
        Path data = BrokerProcess.freshDir("tls-refused-data");
        int port = BrokerProcess.freePort();
        assertRefused(data, port, "no-tls", Map.of("BROKER_HOST", "0.0.0.0"), "which is not a loopback address");
        assertRefused(data, port, "no-tls", Map.of("BROKER_HOST", "0.0.0.0",
                "BROKER_TLS_KEY_STORE", BrokerProcess.WORK.resolve("no-such.p12").toString(),
                "SATP_BROKER_TLS_KEY_STORE_PASSWORD", "irrelevant"), "does not exist or cannot be read");
        Path store = TlsFiles.create(BrokerProcess.WORK.resolve("tls-refused"), "127.0.0.1").keyStore();
        assertRefused(data, port, "no-tls", Map.of("BROKER_HOST", "0.0.0.0", "BROKER_TLS_KEY_STORE", store.toString()),
                "has no password");
    }

    /**
     * Off loopback with a key store: TLS 1.3 only. A TLS client that trusts the broker's certificate connects (as the
     * gateway) and sends and receives; a plain TCP client and a TLS 1.2 client do not get in. Needs an address of
     * this machine other than loopback.
     */
    @Test
    void tlsOnlyOffLoopback() throws Exception {
        String host = nonLoopbackAddress();
        Assumptions.assumeTrue(host != null, "this machine has no address but loopback");
        TlsFiles tls = TlsFiles.create(BrokerProcess.WORK.resolve("tls"), host);
        int port = BrokerProcess.freePort();
        try (BrokerProcess b = BrokerProcess.start(BrokerProcess.freshDir("tls-data"), port, "tls",
                Map.of("BROKER_HOST", host, "BROKER_TLS_KEY_STORE", tls.keyStore().toString(),
                        "SATP_BROKER_TLS_KEY_STORE_PASSWORD", tls.password()))) {
            assertTrue(b.logText().contains("tls=true"), "the broker says its acceptor takes TLS");
            String base = "tcp://" + host + ":" + port + "?reconnectAttempts=0;initialConnectAttempts=1;callTimeout=5000";
            String trust = ";sslEnabled=true;trustStorePath=" + tls.trustStore() + ";trustStorePassword=" + tls.password()
                    + ";trustStoreType=PKCS12";
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(base + trust, "gateway",
                    BrokerProcess.PASSWORDS.get("gateway")); Connection c = cf.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("satp.inbound");
                s.createProducer(q).send(s.createTextMessage("over TLS 1.3"));
                assertEquals("over TLS 1.3", ((TextMessage) s.createConsumer(q).receive(5000)).getText());
            }
            for (String refused : List.of(base, base + trust + ";enabledProtocols=TLSv1.2")) {
                try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(refused, "gateway",
                        BrokerProcess.PASSWORDS.get("gateway"))) {
                    JMSException e = assertThrows(JMSException.class, () -> cf.createConnection().close(), refused);
                    System.out.printf("[tls] refused %s: %s%n", refused.contains("TLSv1.2") ? "TLS 1.2" : "plain TCP", e);
                }
            }
            // the broker's side of the TLS 1.2 attempt: the handshake failed on the protocol version
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!b.logText().contains("client supported protocol versions [TLSv1.2] are not accepted")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(b.logText().contains("client supported protocol versions [TLSv1.2] are not accepted"),
                    "the broker refused TLS 1.2 in the handshake");
        }
    }

    private static void assertRefused(Path data, int port, String logName, Map<String, String> env, String reason)
            throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BrokerProcess.start(data, port, logName, env).close());
        assertTrue(e.getMessage().contains("exited with 1"), e.getMessage());
        String failure = BrokerProcess.failure(logName);
        System.out.printf("[refused] %s%n", failure);
        assertTrue(failure.contains(reason), failure);
    }

    /** An IPv4 address of an interface of this machine that is up and not loopback, or null. */
    private static String nonLoopbackAddress() throws Exception {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp() && !i.isLoopback()) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        return null;
    }
}
