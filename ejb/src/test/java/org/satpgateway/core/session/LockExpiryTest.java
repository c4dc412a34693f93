package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.satpgateway.core.session.Transitions.accepted;
import static org.satpgateway.core.session.Transitions.decode;
import static org.satpgateway.core.session.Transitions.sent;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.message.MessageType;

/**
 * The lock asserted in lock-assert-msg bounds stage 3: G2 mints and G1 burns only before it expires (the job's
 * deadline, an hour here, is later than the ten-minute lock). Past it, neither acts; the transfer rolls back.
 */
class LockExpiryTest {
    private final ClientStateMachine client = Fixtures.client();
    private final ServerStateMachine server = Fixtures.server();
    private final FakeLedger nw1 = new FakeLedger("ledger-one");
    private final FakeLedger nw2 = new FakeLedger("ledger-two");
    private Instant now = Fixtures.T0;
    private Session g1;
    private Session g2;
    private SignedMessage last;

    /** Both sides up to G1's commit-prepare (#7), sent at T0 plus a few milliseconds; the lock lasts ten minutes. */
    @BeforeEach
    void upToCommitPrepare() {
        nw1.issue(Fixtures.ASSET, Fixtures.ORIGINATOR, Fixtures.AMOUNT);
        g1 = run(client, null, client.start(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000f1", Duration.ofHours(1)), now), nw1);
        g2 = run(server, null, server.open(decode(last), tick()), nw2);
        g1 = run(client, g1, client.receive(g1, decode(last), tick()), nw1);
        g2 = run(server, g2, server.receive(g2, decode(last), tick()), nw2);
        g1 = run(client, g1, client.receive(g1, decode(last), tick()), nw1);
        assertEquals(MessageType.LOCK_ASSERT, last.message().type());
        g2 = run(server, g2, server.receive(g2, decode(last), tick()), nw2);
        g1 = run(client, g1, client.receive(g1, decode(last), tick()), nw1);
        assertEquals(MessageType.COMMIT_PREPARE, last.message().type());
        assertEquals(Fixtures.T0.plus(Duration.ofMinutes(10)), g2.lockExpiration().truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
    }

    @Test
    void g2DoesNotMintOnceTheLockExpired() {
        now = g2.lockExpiration().plusSeconds(1);
        Transition.Accepted t = accepted(server.receive(g2, decode(last), now));
        assertTrue(t.effects().stream().noneMatch(Effect.PerformLedgerAction.class::isInstance), () -> "no mint: " + t.effects());
        assertEquals(0, nw2.mints);
        assertEquals(Status.ROLLING_BACK, t.session().status());
        assertEquals(MessageType.ROLLBACK, sent(t).message().type());
    }

    @Test
    void g1DoesNotBurnOnceTheLockExpiredAndUnlocksInstead() {
        g2 = run(server, g2, server.receive(g2, decode(last), tick()), nw2);
        assertEquals(MessageType.COMMIT_READY, last.message().type());
        now = g1.lockExpiration().plusSeconds(1);
        g1 = run(client, g1, client.receive(g1, decode(last), now), nw1);
        assertFalse(g1.started(LedgerAction.EXTINGUISH), "no burn");
        assertEquals(0, nw1.burns);
        assertTrue(g1.done(LedgerAction.UNLOCK), "unlocked");
        assertEquals(MessageType.ROLLBACK, last.message().type());
    }

    @Test
    void beforeTheLockExpiresBothAct() {
        g2 = run(server, g2, server.receive(g2, decode(last), tick()), nw2);
        assertEquals(1, nw2.mints);
        g1 = run(client, g1, client.receive(g1, decode(last), tick()), nw1);
        assertEquals(1, nw1.burns);
        assertEquals(MessageType.COMMIT_FINAL, last.message().type());
    }

    /** Carries a transition as the runtime does: performs its ledger actions, feeds the results back. */
    private Session run(SessionMachine m, Session before, Transition t, FakeLedger ledger) {
        Transition.Accepted a = accepted(t);
        Session s = a.session();
        List<LedgerResult> results = new ArrayList<>();
        for (Effect e : a.effects()) {
            if (e instanceof Effect.Send send) {
                last = send.message();
            } else if (e instanceof Effect.PerformLedgerAction p) {
                results.add(ledger.perform(p.request()));
            }
        }
        for (LedgerResult r : results) {
            s = run(m, s, m.onLedgerResult(s, r, now), ledger);
        }
        return s;
    }

    private Instant tick() {
        now = now.plusMillis(10);
        return now;
    }
}
