package org.satpgateway.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * The broker.xml behaviours the gateway relies on, against one real broker process, with the plain JMS client; each
 * party connects as its broker user (gateway, back-office, operator).
 */
class BrokerMessagingIT {

    private static BrokerProcess broker;
    private static ActiveMQConnectionFactory cf;
    private static ActiveMQConnectionFactory backOffice;
    private static ActiveMQConnectionFactory operator;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = BrokerProcess.start(BrokerProcess.freshDir("messaging-data"), BrokerProcess.freePort(), "messaging");
        cf = broker.factory("gateway");
        backOffice = broker.factory("back-office");
        operator = broker.factory("operator");
        System.out.printf("[timing] broker ready %d ms after process start, RSS %d MiB%n",
                broker.startMillis, broker.rssMiB());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        for (ActiveMQConnectionFactory f : new ActiveMQConnectionFactory[] {cf, backOffice, operator}) {
            if (f != null) {
                f.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void sendsAndReceivesOnInbound() throws Exception {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("satp.inbound");
            s.createProducer(q).send(s.createTextMessage("hello satp"));
            TextMessage m = (TextMessage) s.createConsumer(q).receive(5000);
            assertNotNull(m);
            assertEquals("hello satp", m.getText());
            assertEquals(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode());
        }
    }

    /** Rolled back 5 times (max-delivery-attempts) -> DLQ, with redelivery delays 1 s, 2 s, 4 s, 8 s in between. */
    @Test
    void messageRolledBackFiveTimesGoesToDlq() throws Exception {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session producerSession = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage poison = producerSession.createTextMessage("poison");
            poison.setStringProperty("case", "dlq");
            producerSession.createProducer(producerSession.createQueue("satp.inbound")).send(poison);

            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = tx.createConsumer(tx.createQueue("satp.inbound"));
            List<Long> arrivals = new ArrayList<>();
            for (int attempt = 1; attempt <= 5; attempt++) {
                Message m = consumer.receive(40_000);
                assertNotNull(m, "delivery " + attempt);
                arrivals.add(System.nanoTime());
                assertEquals(attempt, m.getIntProperty("JMSXDeliveryCount"));
                assertEquals(attempt > 1, m.getJMSRedelivered());
                tx.rollback();
            }
            assertNull(consumer.receive(3_000), "no sixth delivery on satp.inbound");
            consumer.close();

            MessageConsumer dlq = producerSession.createConsumer(producerSession.createQueue("DLQ"));
            TextMessage dead = (TextMessage) dlq.receive(5_000);
            assertNotNull(dead, "the message is in DLQ");
            assertEquals("poison", dead.getText());
            assertEquals("dlq", dead.getStringProperty("case"));
            assertEquals("satp.inbound", dead.getStringProperty("_AMQ_ORIG_ADDRESS"));
            assertEquals("satp.inbound", dead.getStringProperty("_AMQ_ORIG_QUEUE"));

            List<Long> gapsMs = new ArrayList<>();
            for (int i = 1; i < arrivals.size(); i++) {
                gapsMs.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
            }
            System.out.println("[dlq] redelivery gaps (ms) " + gapsMs + "; DLQ props _AMQ_ORIG_ADDRESS="
                    + dead.getStringProperty("_AMQ_ORIG_ADDRESS"));
            long[] expected = {1000, 2000, 4000, 8000};
            for (int i = 0; i < expected.length; i++) {
                assertTrue(gapsMs.get(i) >= expected[i] - 100 && gapsMs.get(i) < expected[i] + 1500,
                        "gap " + i + " was " + gapsMs.get(i) + " ms, expected about " + expected[i]);
            }
        }
    }

    /** Same _AMQ_DUPL_ID twice -> stored once (the second send is silently dropped). */
    @Test
    void duplicateIdIsDroppedOnEnqueue() throws Exception {
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue q = s.createQueue("satp.outbound");
            MessageProducer p = s.createProducer(q);
            for (int i = 0; i < 2; i++) {
                TextMessage m = s.createTextMessage("copy " + i);
                m.setStringProperty("_AMQ_DUPL_ID", "session-42/seq-7");
                p.send(m);
            }
            MessageConsumer consumer = s.createConsumer(q);
            TextMessage first = (TextMessage) consumer.receive(5000);
            assertNotNull(first);
            assertEquals("copy 0", first.getText());
            assertNull(consumer.receive(1000), "the duplicate was not enqueued");
        }
    }

    /** A message whose time to live ran out goes to ExpiryQueue (the expiry-address), not away. */
    @Test
    void expiredMessageGoesToExpiryQueue() throws Exception {
        try (Connection bo = backOffice.createConnection(); Connection g = cf.createConnection();
                Connection op = operator.createConnection()) {
            g.start();
            op.start();
            Session s = bo.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("satp.jobs"));
            p.setTimeToLive(200);
            p.send(s.createTextMessage("too late"));
            Thread.sleep(600);
            Session gs = g.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertNull(gs.createConsumer(gs.createQueue("satp.jobs")).receive(1000), "expired, not delivered");
            Session os = op.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage expired = (TextMessage) os.createConsumer(os.createQueue("ExpiryQueue")).receive(5000);
            assertNotNull(expired);
            assertEquals("too late", expired.getText());
            assertEquals("satp.jobs", expired.getStringProperty("_AMQ_ORIG_ADDRESS"));
        }
    }

    /**
     * satp.job.events is a topic: every subscriber (a back office) gets its own copy of what the gateway publishes
     * (subscription queues work without auto-create).
     */
    @Test
    void jobEventsTopicFansOut() throws Exception {
        try (Connection bo = backOffice.createConnection(); Connection g = cf.createConnection()) {
            bo.start();
            Session s = bo.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var topic = s.createTopic("satp.job.events");
            MessageConsumer a = s.createConsumer(topic);
            MessageConsumer b = s.createSharedDurableConsumer(topic, "backoffice");
            Session gs = g.createSession(false, Session.AUTO_ACKNOWLEDGE);
            gs.createProducer(gs.createTopic("satp.job.events")).send(gs.createTextMessage("{\"state\":\"DONE\"}"));
            assertEquals("{\"state\":\"DONE\"}", ((TextMessage) a.receive(5000)).getText());
            assertEquals("{\"state\":\"DONE\"}", ((TextMessage) b.receive(5000)).getText());
            b.close();
            s.unsubscribe("backoffice");
        }
    }

    /** auto-create is off: a misspelt queue is an error, not a silently created queue. */
    @Test
    void unknownQueueIsRejected() throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            JMSException e = assertThrows(JMSException.class,
                    () -> s.createProducer(s.createQueue("satp.inbond")).send(s.createTextMessage("x")));
            System.out.println("[auto-create off] " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
