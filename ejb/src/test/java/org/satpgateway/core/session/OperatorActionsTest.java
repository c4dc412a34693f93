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
        Transition.Accepted t = accepted(client.retry(g1, "operator ops (api)", tick()));
        assertTrue(t.entries().isEmpty(), "a resend logs nothing new");
        SignedMessage resent = t.effects().stream().filter(Effect.Send.class::isInstance).map(e -> ((Effect.Send) e).message())
                .findFirst().orElseThrow();
        assertEquals(last.hash(), resent.hash(), "the same commit-prepare-msg");
        assertTrue(t.effects().stream().anyMatch(Effect.ArmTimeout.class::isInstance));
    }

    @Test
    void aRetryOfASessionThatWaitsForNothingStartsRecovery() {
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2); // G2 sent commit-ready and waits for G1
        Transition.Accepted t = accepted(server.retry(g2, "operator ops (api)", tick()));
        assertTrue(t.effects().stream().anyMatch(e -> e instanceof Effect.StartRecovery || e instanceof Effect.Send), t::toString);
    }

    /**
     * G2's assignment fails after G1 burned, and the ledger did not take it: both sides wait for an operator (no timer
     * acts). The operator's retry on G2 clears the alert in the log and performs the assignment again; the transfer
     * completes.
     */
    @Test
    void aFailedAssignmentWaitsForAnOperatorAndARetryPerformsItAgain() {
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2); // G2 mints, commit-ready
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1); // G1 burns, commit-final
        nw2.refuseOnce = LedgerAction.ASSIGN;
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        assertTrue(g2.alert() != null && g2.alert().contains("assign failed"), () -> "G2 waits for an operator: " + g2.alert());
        assertEquals(MessageType.ERROR, last.message().type(), "G1 is told why its commit-final gets no answer");
        assertTrue(accepted(server.onTimeout(g2, 1, tick())).effects().isEmpty(), "no timer acts on a session with an alert");
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1);
        assertTrue(g1.alert() != null, "G1 waits for an operator too");

        Transition.Accepted retried = accepted(server.retry(g2, "operator ops (api)", tick()));
        assertTrue(retried.entries().stream().anyMatch(e -> e.type().startsWith(SessionLog.ALERT_CLEARED + "@")), "alert cleared in the log");
        g2 = run(server, retried, nw2);
        assertEquals(null, g2.alert());
        assertTrue(g2.done(LedgerAction.ASSIGN), "assigned on the retry");
        assertEquals(MessageType.ACK_COMMIT_FINAL, last.message().type());
        assertEquals(Fixtures.BENEFICIARY, nw2.assets.get(FakeLedger.minted(g2.sessionId())).owner);
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1); // transfer-complete
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        assertEquals(Status.COMPLETED, g1.status());
        assertEquals(Status.COMPLETED, g2.status());
        assertEquals(1, nw2.mints);
    }

    /** A refusal the ledger recorded is met again on the retry: the alert comes back, and each failure has its own entry. */
    @Test
    void aRetryMeetsARecordedRefusalAgain() {
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2); // G2 mints, commit-ready
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1); // G1 burns, commit-final
        nw2.assets.get(FakeLedger.minted(g2.sessionId())).state = FakeLedger.State.BURNED; // someone else destroyed it
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        String first = g2.alert();
        assertTrue(first != null, "waits for an operator");
        long entries = g2.entryCount();
        g2 = run(server, server.retry(g2, "operator ops (api)", tick()), nw2);
        assertTrue(g2.alert() != null && g2.alert().contains("assign failed"), () -> "the alert is back: " + g2.alert());
        assertFalse(g2.done(LedgerAction.ASSIGN));
        assertTrue(g2.entryCount() >= entries + 3, "cleared, tried again, failed again: " + g2.entryCount());
        assertFalse(g2.status().terminal());
    }

    @Test
    void anEndedSessionRefusesBoth() {
        g1 = run(client, client.forceRollback(g1, "forced", tick()), nw1);
        g2 = run(server, server.receive(g2, decode(last), tick()), nw2);
        g1 = run(client, client.receive(g1, decode(last), tick()), nw1);
        assertTrue(g1.status().terminal(), () -> "ended: " + g1.status());
        assertInstanceOf(Transition.Rejected.class, client.retry(g1, "operator ops (api)", tick()));
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
