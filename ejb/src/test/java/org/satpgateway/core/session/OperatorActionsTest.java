package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.satpgateway.core.session.Transitions.accepted;
import static org.satpgateway.core.session.Transitions.decode;

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
 * An operator's retry and forced rollback, at the points of a transfer where they matter: the forced rollback is the
 * deadline's rollback done now, allowed before the burn (G1 unlocks), refused after it, refused on G2 once it minted,
 * refused on an ended session; a retry resends what waits for an answer, or starts recovery when nothing does.
 */
class OperatorActionsTest {
    private final ClientStateMachine client = Fixtures.client();
    private final ServerStateMachine server = Fixtures.server();
    private final FakeLedger nw1 = new FakeLedger("ledger-one");
    private final FakeLedger nw2 = new FakeLedger("ledger-two");
    private Instant now = Fixtures.T0;
    private Session g1;
    private Session g2;
    private SignedMessage last;

    /** Both sides up to G1's commit-prepare (#7): G1 locked, G2 has not minted. */
    @BeforeEach
    void upToCommitPrepare() {
        nw1.issue(Fixtures.ASSET, Fixtures.ORIGINATOR, Fixtures.AMOUNT);
        g1 = run(client, client.start(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000a1", Duration.ofHours(1)), now), nw1);
        g2 = run(server, server.open(decode(last), tick()), nw2);
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1);
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1);
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1);
        assertEquals(MessageType.COMMIT_PREPARE, last.message().type());
        assertTrue(g1.done(LedgerAction.LOCK));
    }

    @Test
    void beforeTheBurnAForcedRollbackUnlocksAndTellsTheCounterpart() {
        g1 = run(client, client.forceRollback(g1, "rollback forced by operator ops (api)", tick()), nw1);
        assertTrue(g1.done(LedgerAction.UNLOCK), "unlocked");
        assertEquals(MessageType.ROLLBACK, last.message().type());
        assertFalse(nw1.asset(Fixtures.ASSET).orElseThrow().state().name().equals("LOCKED"));
    }

    @Test
    void afterTheBurnAForcedRollbackIsRefusedAndChangesNothing() {
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2); // G2 mints, commit-ready
        assertEquals(1, nw2.mints);
        Transition minted = server.forceRollback(g2, "forced", tick());
        Transition.Rejected onG2 = assertInstanceOf(Transition.Rejected.class, minted);
        assertTrue(onG2.rejection().detail().contains("minted"), onG2.rejection().detail());

        g1 = run(client, client.receive(g1, decode(last), tick()), nw1); // G1 burns, commit-final
        assertEquals(1, nw1.burns);
        long entries = g1.entryCount();
        Transition.Rejected onG1 = assertInstanceOf(Transition.Rejected.class, client.forceRollback(g1, "forced", tick()));
        assertTrue(onG1.rejection().detail().contains("burned"), onG1.rejection().detail());
        assertEquals(entries, g1.entryCount());
        assertEquals("BURNED", nw1.asset(Fixtures.ASSET).orElseThrow().state().name());
    }

    @Test
    void aRetryResendsWhatWaitsForAnAnswer() {
        Transition.Accepted t = accepted(client.retry(g1, tick()));
        assertTrue(t.entries().isEmpty(), "a resend logs nothing new");
        SignedMessage resent = t.effects().stream().filter(Effect.Send.class::isInstance).map(e -> ((Effect.Send) e).message())
                .findFirst().orElseThrow();
        assertEquals(last.hash(), resent.hash(), "the same commit-prepare-msg");
        assertTrue(t.effects().stream().anyMatch(Effect.ArmTimeout.class::isInstance));
    }

    @Test
    void aRetryOfASessionThatWaitsForNothingStartsRecovery() {
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2); // G2 sent commit-ready and waits for G1
        Transition.Accepted t = accepted(server.retry(g2, tick()));
        assertTrue(t.effects().stream().anyMatch(e -> e instanceof Effect.StartRecovery || e instanceof Effect.Send), t::toString);
    }

    @Test
    void anEndedSessionRefusesBoth() {
        g1 = run(client, client.forceRollback(g1, "forced", tick()), nw1);
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1);
        assertTrue(g1.status().terminal(), () -> "ended: " + g1.status());
        assertInstanceOf(Transition.Rejected.class, client.retry(g1, tick()));
        assertInstanceOf(Transition.Rejected.class, client.forceRollback(g1, "again", tick()));
    }

    private Session run(SessionMachine m, Transition t, FakeLedger ledger) {
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
            s = run(m, m.onLedgerResult(s, r, now), ledger);
        }
        return s;
    }

    private Instant tick() {
        now = now.plusMillis(10);
        return now;
    }
}
