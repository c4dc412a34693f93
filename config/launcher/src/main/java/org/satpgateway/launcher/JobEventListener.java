package org.satpgateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Listens to a gateway's job events ({@code satp.job.events} on its broker), as a back office does (the broker's user
 * {@code back-office}), and tells when a job's session has ended and at what time the gateway logged it.
 */
final class JobEventListener implements AutoCloseable {
    static final Set<String> ENDED = Set.of("COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A job's final event: its state and the gateway's time of the step, in epoch milliseconds. */
    record Event(String state, long at) {}

    private final ActiveMQConnectionFactory factory;
    private final Connection connection;
    private final Map<String, CompletableFuture<Event>> ends = new ConcurrentHashMap<>();

    JobEventListener(BrokerNode broker) throws JMSException {
        factory = broker.connectionFactory("back-office");
        connection = factory.createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createTopic("satp.job.events"));
        consumer.setMessageListener(m -> {
            try {
                JsonNode e = JSON.readTree(((TextMessage) m).getText());
                String state = e.path("state").asText();
                if (ENDED.contains(state) && !e.path("jobId").isNull()) {
                    end(e.path("jobId").asText()).complete(new Event(state, Instant.parse(e.path("at").asText()).toEpochMilli()));
                }
            } catch (Exception unreadable) {
                System.err.println("unreadable job event: " + unreadable);
            }
        });
        connection.start();
    }

    private CompletableFuture<Event> end(String jobId) {
        return ends.computeIfAbsent(jobId, k -> new CompletableFuture<>());
    }

    /** Waits for the job's final event (it may have come already). */
    Event awaitEnd(String jobId, Duration timeout) throws Exception {
        try {
            return end(jobId).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no final event for job " + jobId + " within " + timeout, e);
        }
    }

    /** How many of these jobs have ended so far. */
    int endedAmong(Collection<String> jobIds) {
        int n = 0;
        for (String id : jobIds) {
            CompletableFuture<Event> f = ends.get(id);
            if (f != null && f.isDone()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() throws JMSException {
        try {
            connection.close();
        } finally {
            factory.close();
        }
    }
}
