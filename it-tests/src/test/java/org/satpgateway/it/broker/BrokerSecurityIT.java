package org.satpgateway.it.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;

import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.satpgateway.launcher.BrokerNode;
import org.satpgateway.launcher.Layout;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

/**
 * Who may do what on a gateway's broker (broker.xml's security-settings), against a broker started the way the
 * launcher starts it ({@link BrokerNode}, with the users file it generates: gateway, back-office, operator).
 */
class BrokerSecurityIT {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static BrokerNode broker;
    private static ActiveMQConnectionFactory gateway;
    private static ActiveMQConnectionFactory backOffice;
    private static ActiveMQConnectionFactory operator;

    @BeforeAll
    static void startBroker() throws Exception {
        Layout layout = new Layout(Path.of(System.getProperty("satp.repository", "..")).toAbsolutePath().normalize());
        broker = new BrokerNode(layout, BrokerProcess.freshDir("security"), BrokerProcess.freePort()).start();
        gateway = broker.connectionFactory("gateway");
        backOffice = broker.connectionFactory("back-office");
        operator = broker.connectionFactory("operator");
    }

    @AfterAll
    static void stopBroker() {
        for (ActiveMQConnectionFactory f : new ActiveMQConnectionFactory[] {gateway, backOffice, operator}) {
            if (f != null) {
                f.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The launcher's users file: owner-only, the three users with generated passwords, reused on restarts. */
    @Test
    void theLauncherMakesAnOwnerOnlyUsersFile() throws Exception {
        Path file = broker.usersFile();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        for (String user : BrokerNode.USERS) {
            BrokerNode.Credentials c = broker.credentials(user);
            assertEquals(user, c.user());
            assertTrue(c.password().length() >= 12, "a generated password");
            assertTrue(Files.readString(file).contains("roles." + user + "=" + user), "role " + user);
        }
        assertEquals(broker.credentials("gateway"), broker.credentials("gateway"), "read again, not made again");
    }

    /** No user, a wrong password, an unknown user, Artemis' cluster user with its default password: refused. */
    @Test
    void nobodyGetsInWithoutAUserOfTheFile() throws Exception {
        try (ActiveMQConnectionFactory anonymous = new ActiveMQConnectionFactory(broker.url())) {
            refused(() -> anonymous.createConnection().close());
            refused(() -> anonymous.createConnection("back-office", "not-the-password").close());
            refused(() -> anonymous.createConnection("guest", "guest").close());
            // Artemis' built-in cluster user, which bypasses all permissions: its well-known default password is replaced
            JMSException cluster = assertThrows(JMSException.class,
                    () -> anonymous.createConnection("ACTIVEMQ.CLUSTER.ADMIN.USER", "CHANGE ME!!").close());
            assertTrue(cluster.getMessage().contains("AMQ229099"), cluster.getMessage());
            refused(() -> anonymous.createConnection("gateway", broker.credentials("back-office").password()).close());
        }
    }

    /**
     * A back office sends a job and reads events (a non-durable and a durable subscription); the gateway takes the job
     * with the broker's stamp of who sent it, which the sender cannot forge.
     */
    @Test
    void aBackOfficeSendsJobsAndReadsEvents() throws Exception {
        try (Connection bo = backOffice.createConnection(); Connection g = gateway.createConnection()) {
            bo.setClientID("back-office-events");
            bo.start();
            g.start();
            Session bs = bo.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage job = bs.createTextMessage("{\"transferContextId\":\"sec-1\"}");
            job.setStringProperty("_AMQ_VALIDATED_USER", "gateway");
            bs.createProducer(bs.createQueue("satp.jobs")).send(job);

            Session gs = g.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage taken = (TextMessage) gs.createConsumer(gs.createQueue("satp.jobs")).receive(5000);
            assertNotNull(taken, "the gateway takes the job");
            assertEquals("{\"transferContextId\":\"sec-1\"}", taken.getText());
            assertEquals("back-office", taken.getStringProperty("_AMQ_VALIDATED_USER"), "the broker's stamp, not the sender's");

            Topic events = bs.createTopic("satp.job.events");
            MessageConsumer live = bs.createConsumer(events);
            MessageConsumer durable = bs.createDurableConsumer(events, "jobs-of-back-office");
            gs.createProducer(gs.createTopic("satp.job.events")).send(gs.createTextMessage("{\"state\":\"COMPLETED\"}"));
            assertEquals("{\"state\":\"COMPLETED\"}", ((TextMessage) live.receive(5000)).getText());
            assertEquals("{\"state\":\"COMPLETED\"}", ((TextMessage) durable.receive(5000)).getText());
            live.close();
            durable.close();
            bs.unsubscribe("jobs-of-back-office");
        }
    }

    /** A back office cannot read peer messages or jobs, send where the gateway sends, nor read or purge dead letters. */
    @Test
    void aBackOfficeTouchesNothingElse() throws Exception {
        try (Connection bo = backOffice.createConnection()) {
            bo.start();
            Session s = bo.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of("satp.inbound", "satp.outbound", "satp.jobs", "DLQ", "ExpiryQueue")) {
                refused(() -> s.createConsumer(s.createQueue(queue)).close());
            }
            for (String queue : List.of("satp.inbound", "satp.outbound", "DLQ", "ExpiryQueue")) {
                refused(() -> s.createProducer(s.createQueue(queue)).send(s.createTextMessage("not mine")));
            }
            refused(() -> s.createProducer(s.createTopic("satp.job.events")).send(s.createTextMessage("{}")));
            for (String queue : List.of("DLQ", "satp.inbound", "satp.jobs")) {
                refused(() -> {
                    try (QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
                        b.getEnumeration().hasMoreElements();
                    }
                });
            }
        }
        ActiveMQSecurityException e = assertThrows(ActiveMQSecurityException.class,
                () -> broker.manage("back-office", "queue.DLQ", "removeAllMessages"));
        System.out.println("[security] back office purging DLQ: " + e.getMessage());
        assertManageRefused("back-office");
    }

    /** The gateway's part: peer queues both ways, jobs in, events out, dead letters; and no more. */
    @Test
    void theGatewayDoesItsPartAndNoMore() throws Exception {
        try (Connection g = gateway.createConnection()) {
            g.start();
            Session s = g.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String queue : List.of("satp.inbound", "satp.outbound")) {
                Queue q = s.createQueue(queue);
                s.createProducer(q).send(s.createTextMessage("via " + queue));
                try (QueueBrowser b = s.createBrowser(q)) {
                    assertTrue(b.getEnumeration().hasMoreElements(), "the gateway browses " + queue);
                }
                assertEquals("via " + queue, ((TextMessage) s.createConsumer(q).receive(5000)).getText());
            }
            for (String queue : List.of("DLQ", "ExpiryQueue")) {
                try (QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
                    b.getEnumeration().hasMoreElements();
                }
                s.createConsumer(s.createQueue(queue)).close();
            }
            refused(() -> s.createProducer(s.createQueue("satp.jobs")).send(s.createTextMessage("{}")));
            refused(() -> s.createConsumer(s.createTopic("satp.job.events")).close());
            refused(() -> s.createTemporaryQueue());
        }
        // management: the gateway sends requests (the pause and resume of its jobs queue when an operator pauses
        // intake) but cannot read answers, which need a reply queue it may not make
        assertThrows(ActiveMQSecurityException.class, () -> broker.manage("gateway", "queue.DLQ", "countMessages"));
        assertManageTaken("gateway");
    }

    /**
     * JMSReplyTo: a back office makes a temporary queue (its address is a UUID, so the broker reads its permissions
     * under satp.temp.#) and names it on its job; the gateway answers into it and the back office gets the answer.
     * Nobody but the gateway may send into it, and the gateway may not make one.
     */
    @Test
    void aJobsTemporaryReplyQueueTakesTheGatewaysAnswer() throws Exception {
        try (Connection bo = backOffice.createConnection(); Connection g = gateway.createConnection();
                Connection other = backOffice.createConnection(); Connection op = operator.createConnection()) {
            bo.start();
            g.start();
            Session bs = bo.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = bs.createTemporaryQueue();
            assertTrue(replies.getQueueName().matches(UUID), "a temporary queue's address is a UUID: " + replies.getQueueName());
            MessageConsumer answers = bs.createConsumer(replies);
            TextMessage job = bs.createTextMessage("{\"transferContextId\":\"sec-reply\"}");
            job.setJMSReplyTo(replies);
            bs.createProducer(bs.createQueue("satp.jobs")).send(job);

            Session gs = g.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message taken = gs.createConsumer(gs.createQueue("satp.jobs")).receive(5000);
            assertNotNull(taken);
            assertEquals(replies.getQueueName(), ((Queue) taken.getJMSReplyTo()).getQueueName());
            TextMessage answer = gs.createTextMessage("{\"state\":\"ACCEPTED\"}");
            answer.setJMSCorrelationID(taken.getJMSMessageID());
            try (MessageProducer p = gs.createProducer(taken.getJMSReplyTo())) {
                p.send(answer);
            }
            TextMessage got = (TextMessage) answers.receive(5000);
            assertNotNull(got, "the back office gets the gateway's answer");
            assertEquals("{\"state\":\"ACCEPTED\"}", got.getText());
            assertEquals(job.getJMSMessageID(), got.getJMSCorrelationID());
            assertEquals("gateway", got.getStringProperty("_AMQ_VALIDATED_USER"));

            // another back office (or an operator) cannot slip an answer into it
            for (Connection c : List.of(other, op)) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                refused(() -> s.createProducer(s.createQueue(replies.getQueueName())).send(s.createTextMessage("forged")));
            }
            assertNull(answers.receive(500), "nothing forged arrived");
            refused(() -> gs.createTemporaryQueue());
            answers.close();
            replies.delete(); // the back office removes its temporary queue when done
            JMSException gone = assertThrows(JMSException.class,
                    () -> gs.createProducer(taken.getJMSReplyTo()).send(gs.createTextMessage("too late")));
            assertTrue(gone.getMessage().contains("AMQ229203"), "the queue and its address are gone: " + gone.getMessage());
        }
    }

    /**
     * The control for the test above: the same broker.xml without uuid-namespace. A temporary queue's address (a UUID)
     * then matches none of the security-settings, and a back office may not make one: what lets it is satp.temp.#.
     */
    @Test
    void withoutTheUuidNamespaceNoTemporaryQueue() throws Exception {
        Path xml = BrokerProcess.WORK.resolve("broker-without-uuid-namespace.xml");
        String original = Files.readString(BrokerProcess.ROOT.resolve("broker/src/main/broker/broker.xml"));
        String changed = original.replace("<uuid-namespace>satp.temp</uuid-namespace>", "");
        assertTrue(changed.length() < original.length(), "broker.xml sets uuid-namespace");
        Files.writeString(xml, changed);
        try (BrokerProcess b = BrokerProcess.start(BrokerProcess.freshDir("no-uuid-namespace"), BrokerProcess.freePort(),
                "no-uuid-namespace", java.util.Map.of("BROKER_XML", xml.toString()));
                ActiveMQConnectionFactory f = b.factory("back-office"); Connection c = f.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            refused(s::createTemporaryQueue);
        }
    }

    /** An operator reads and takes dead letters (and expired ones) and manages the broker; nothing else. */
    @Test
    void anOperatorReadsDeadLettersAndManages() throws Exception {
        try (Connection bo = backOffice.createConnection(); Connection op = operator.createConnection()) {
            op.start();
            Session bs = bo.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage poison = bs.createTextMessage("{\"transferContextId\":\"sec-dead\"}");
            poison.setStringProperty("case", "operator-dlq");
            bs.createProducer(bs.createQueue("satp.jobs")).send(poison);
            Object moved = broker.manage("operator", "queue.satp.jobs", "moveMessages", "case='operator-dlq'", "DLQ");
            assertEquals(1, ((Number) moved).intValue(), "moved by the operator through management");
            assertTrue(broker.messageCount("DLQ") >= 1);

            Session s = op.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser b = s.createBrowser(s.createQueue("DLQ"), "case='operator-dlq'")) {
                List<?> dead = Collections.list(b.getEnumeration());
                assertEquals(1, dead.size(), "the operator browses DLQ");
                assertEquals("satp.jobs", ((Message) dead.get(0)).getStringProperty("_AMQ_ORIG_ADDRESS"));
            }
            try (MessageConsumer c = s.createConsumer(s.createQueue("DLQ"), "case='operator-dlq'")) {
                assertNotNull(c.receive(5000), "the operator takes it out of DLQ");
            }
            try (QueueBrowser b = s.createBrowser(s.createQueue("ExpiryQueue"))) {
                b.getEnumeration().hasMoreElements();
            }
            refused(() -> s.createConsumer(s.createQueue("satp.inbound")).close());
            refused(() -> s.createProducer(s.createQueue("satp.jobs")).send(s.createTextMessage("{}")));
        }
    }

    /** A management request (purge DLQ) sent without waiting for an answer: refused for want of the permission manage. */
    private static void assertManageRefused(String user) throws Exception {
        BrokerNode.Credentials c = broker.credentials(user);
        try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.url());
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(c.user(), c.password(), false, true, true, false, 0)) {
            ClientMessage request = session.createMessage(true);
            ManagementHelper.putOperationInvocation(request, "queue.DLQ", "removeAllMessages");
            try (ClientProducer producer = session.createProducer("activemq.management")) {
                ActiveMQSecurityException e = assertThrows(ActiveMQSecurityException.class, () -> producer.send(request));
                System.out.println("[security] " + user + " purging DLQ through management: " + e.getMessage());
                assertTrue(e.getMessage().contains("permission='MANAGE'"), e.getMessage());
            }
        }
    }

    /** A management request (pause and resume satp.jobs) sent without waiting for an answer: taken. */
    private static void assertManageTaken(String user) throws Exception {
        BrokerNode.Credentials c = broker.credentials(user);
        try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.url());
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(c.user(), c.password(), false, true, true, false, 0);
                ClientProducer producer = session.createProducer("activemq.management")) {
            for (String operation : List.of("pause", "resume")) {
                ClientMessage request = session.createMessage(true);
                ManagementHelper.putOperationInvocation(request, "queue.satp.jobs", operation);
                producer.send(request);
            }
        }
    }

    private static void refused(Executable action) {
        JMSSecurityException e = assertThrows(JMSSecurityException.class, action);
        System.out.println("[security] refused: " + e.getMessage());
    }
}
