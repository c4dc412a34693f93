package org.satpgateway.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/** Start, crash (kill -9), restart, SIGTERM, and the optional single user. */
class BrokerLifecycleIT {

    /** 3 persistent messages sent (send returns after the broker fsynced them), kill -9, restart: all 3 there. */
    @Test
    void persistentMessagesSurviveKill9() throws Exception {
        Path data = BrokerProcess.freshDir("crash-data");
        int port = BrokerProcess.freePort();
        try (BrokerProcess first = BrokerProcess.start(data, port, "crash-1")) {
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(first.url());
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
             ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(second.url());
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

    /** SATP_BROKER_USER / SATP_BROKER_PASSWORD: security on, that user only. */
    @Test
    void singleUserWhenConfigured() throws Exception {
        try (BrokerProcess b = BrokerProcess.start(BrokerProcess.freshDir("security-data"), BrokerProcess.freePort(),
                "security", Map.of("SATP_BROKER_USER", "satp", "SATP_BROKER_PASSWORD", "s3cret"));
             ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(b.url())) {
            assertTrue(b.logText().contains("security=true"));
            assertThrows(JMSSecurityException.class, () -> cf.createConnection().close());
            assertThrows(JMSSecurityException.class, () -> cf.createConnection("satp", "wrong").close());
            try (Connection c = cf.createConnection("satp", "s3cret")) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue q = s.createQueue("satp.inbound");
                s.createProducer(q).send(s.createTextMessage("authenticated"));
                assertEquals("authenticated", ((TextMessage) s.createConsumer(q).receive(5000)).getText());
            }
        }
    }
}
