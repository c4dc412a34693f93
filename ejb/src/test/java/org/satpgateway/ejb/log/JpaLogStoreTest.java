package org.satpgateway.ejb.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import jakarta.persistence.PersistenceException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.NetworkCapabilities;
import org.satpgateway.core.session.ClientStateMachine;
import org.satpgateway.core.session.Effect;
import org.satpgateway.core.session.Session;
import org.satpgateway.core.session.SessionLog;
import org.satpgateway.core.session.SessionPolicy;
import org.satpgateway.core.session.Status;
import org.satpgateway.core.session.Transition;
import org.satpgateway.core.session.TransferOrder;

/** The log storage API over JPA: append order, the unique key as the exactly-once guard, replay from the store. */
class JpaLogStoreTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private EntityManagerFactory emf;

    @BeforeEach
    void open() {
        emf = Persistence.createEntityManagerFactory("satpLogTest",
                Map.of("jakarta.persistence.jdbc.url", "jdbc:h2:mem:log-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"));
    }

    @AfterEach
    void close() {
        emf.close();
    }

    private void inTransaction(Consumer<JpaLogStore> work) {
        EntityManager em = emf.createEntityManager();
        try {
            em.getTransaction().begin();
            work.accept(new JpaLogStore(em, CLOCK));
            em.getTransaction().commit();
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }

    private <T> T read(java.util.function.Function<JpaLogStore, T> query) {
        EntityManager em = emf.createEntityManager();
        try {
            return query.apply(new JpaLogStore(em, CLOCK));
        } finally {
            em.close();
        }
    }

    @Test
    void aSessionsTimerIsPersistentDueWhenItsTimeComesAndCancellable() {
        Run run = Run.clientUntilLocked();
        String id = run.session.sessionId();
        inTransaction(store -> {
            store.append(run.steps.get(0));
            store.arm(id, CLOCK.instant().plusSeconds(2), 3);
        });
        assertEquals(List.of(), read(store -> store.due(CLOCK.instant().plusSeconds(1), 10)), "not due yet");
        assertEquals(List.of(id), read(store -> store.due(CLOCK.instant().plusSeconds(2), 10)));
        inTransaction(store -> assertEquals(3, store.lock(id).orElseThrow().timeoutAttempt()));
        inTransaction(store -> store.cancelTimeout(id));
        assertEquals(List.of(), read(store -> store.due(CLOCK.instant().plusSeconds(60), 10)), "cancelled");
    }

    @Test
    void stepsAppendedOneCommitEachReplayToTheSession() {
        Run run = Run.clientUntilLocked();
        for (List<LogEntry> step : run.steps) {
            inTransaction(store -> store.append(step));
        }
        List<LogEntry> stored = read(store -> store.read(run.session.sessionId()));
        assertEquals(run.steps.stream().flatMap(List::stream).toList(), stored);
        assertEquals(run.session, new SessionLog(CODEC).replay(stored));
        assertEquals(stored.get(stored.size() - 1), read(store -> store.last(run.session.sessionId())).orElseThrow());
        assertTrue(read(store -> store.after(run.session.sessionId(), 2)).stream().allMatch(e -> e.sequenceNumber() > 2));
    }

    @Test
    void theSameStepCannotCommitTwice() {
        Run run = Run.clientUntilLocked();
        inTransaction(store -> store.append(run.steps.get(0)));
        assertThrows(PersistenceException.class, () -> inTransaction(store -> store.append(run.steps.get(0))));
        assertEquals(run.steps.get(0), read(store -> store.read(run.session.sessionId())));
    }

    @Test
    void unfinishedSessionsComeFromTheIndex() {
        Run run = Run.clientUntilLocked();
        inTransaction(store -> {
            store.append(run.steps.get(0));
            store.index(new SessionLog(CODEC).replay(run.steps.get(0)));
        });
        assertEquals(List.of(run.session.sessionId()), read(JpaLogStore::unfinishedSessions));
        assertEquals(Status.ACTIVE, run.session.status());
    }

    /** A client session driven by hand: proposal, receipt, commence, ack-commence, lock; one list of entries per step. */
    static final class Run {
        final List<List<LogEntry>> steps = new ArrayList<>();
        Session session;

        static Run clientUntilLocked() {
            GatewayKeyPair g1 = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256, BigInteger.valueOf(1001));
            GatewayKeyPair g2 = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256, BigInteger.valueOf(2002));
            SessionPolicy p1 = policy("gateway-one", "ledger-one", "bank-one");
            SessionPolicy p2 = policy("gateway-two", "ledger-two", "bank-two");
            ClientStateMachine client = new ClientStateMachine(new MessageSigner(CODEC, g1), new SessionLog(CODEC), p1);
            org.satpgateway.core.session.ServerStateMachine server = new org.satpgateway.core.session.ServerStateMachine(
                    new MessageSigner(CODEC, g2), new SessionLog(CODEC), p2, (id, key) -> key.equals(g1.publicJwk()));
            Instant now = CLOCK.instant();
            Run run = new Run();
            Transition.Accepted a = run.take(client.start(new TransferOrder(UUID.randomUUID().toString(), "ctx-1",
                    "bond-1", "bond/v1", 100, "alice@bank-one", "bob@bank-two", "ka", "kb",
                    new TransferOrder.Counterpart("gateway-two", "ledger-two", "bank-two", g2.publicJwk()), 3,
                    Duration.ofMinutes(5)), now));
            Transition.Accepted s = (Transition.Accepted) server.open(decode(sent(a)), now);
            a = run.take(client.receive(a.session(), decode(sent(s)), now));
            s = (Transition.Accepted) server.receive(s.session(), decode(sent(a)), now);
            a = run.take(client.receive(a.session(), decode(sent(s)), now));
            run.take(client.onLedgerResult(a.session(),
                    new LedgerResult.Done(org.satpgateway.core.ledger.LedgerAction.LOCK, "receipt", "proof"), now));
            return run;
        }

        private Transition.Accepted take(Transition t) {
            Transition.Accepted a = (Transition.Accepted) t;
            steps.add(a.entries());
            session = a.session();
            return a;
        }

        private static SessionPolicy policy(String gateway, String network, String owner) {
            return new SessionPolicy(gateway, network, owner, List.of(SignatureAlgorithm.ES256), Set.of("bond/v1"),
                    Set.of(NetworkCapabilities.LockType.TIME_LOCK), Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMillis(500));
        }

        private static SignedMessage sent(Transition.Accepted a) {
            return a.effects().stream().filter(Effect.Send.class::isInstance).map(e -> ((Effect.Send) e).message())
                    .reduce((x, y) -> y).orElseThrow();
        }

        private static Decoded.Message decode(SignedMessage m) {
            return (Decoded.Message) CODEC.decode(m.wire().getBytes(StandardCharsets.UTF_8));
        }
    }
}
