package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.satpgateway.core.session.Transitions.accepted;
import static org.satpgateway.core.session.Transitions.decode;
import static org.satpgateway.core.session.Transitions.sent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.MessageType;

/**
 * A message the gateway already has in its log is a duplicate whatever came since: it changes nothing, and it is
 * answered with the reply stored for it when the counterpart may lack that reply.
 */
class DuplicateTest {
    private final ClientStateMachine client = Fixtures.client();
    private final ServerStateMachine server = Fixtures.server();
    private final RecoveryPlanner g1Planner = new RecoveryPlanner(client);
    private final RecoveryPlanner g2Planner = new RecoveryPlanner(server);
    private final List<LogEntry> g2Log = new ArrayList<>();
    private Instant now = Fixtures.T0;
    private Session g1;
    private Session g2;
    private SignedMessage commence;
    private SignedMessage ackCommence;

    /** G1 sent transfer-commence (#3); G2 answered ack-commence (#4), which G1 has not received. */
    @BeforeEach
    void upToAckCommence() {
        Transition.Accepted started = accepted(client.start(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000d1",
                Duration.ofMinutes(5)), now));
        g1 = started.session();
        Transition.Accepted opened = g2(server.open(decode(sent(started)), tick()));
        Transition.Accepted commenced = accepted(client.receive(g1, decode(sent(opened)), tick()));
        g1 = commenced.session();
        commence = sent(commenced);
        Transition.Accepted acked = g2(server.receive(g2, decode(commence), tick()));
        ackCommence = sent(acked);
    }

    @Test
    void aResendAfterARecoveryExchangeIsAnsweredWithTheStoredReply() {
        now = now.plusSeconds(5);
        Transition.Accepted recover = accepted(g1Planner.start(g1, "no answer", 1, now));
        g2(g2Planner.answer(g2, g2Log, decode(sent(recover)), tick()));
        Session before = g2;

        now = now.plusSeconds(5);
        Transition.Accepted resend = accepted(server.receive(g2, decode(commence), now));

        assertEquals(before, resend.session(), "a duplicate changes nothing");
        assertEquals(List.of(new Effect.Send(ackCommence)), resend.effects(), "answered with the stored ack-commence");
    }

    @Test
    void aRepeatedRecoverMsgIsAnsweredWithTheStoredRecoverUpdate() {
        now = now.plusSeconds(5);
        SignedMessage recover = sent(accepted(g1Planner.start(g1, "no answer", 1, now)));
        SignedMessage update = sent(g2(g2Planner.answer(g2, g2Log, decode(recover), tick())));
        Session before = g2;

        now = now.plusSeconds(5);
        Transition.Accepted again = accepted(server.receive(g2, decode(recover), now));

        assertEquals(before, again.session());
        assertEquals(MessageType.RECOVER_UPDATE, update.message().type());
        assertEquals(List.of(new Effect.Send(update)), again.effects());
    }

    @Test
    void aDuplicateOfAnAnsweredMessageIsDroppedOnceTheCounterpartMovedOn() {
        Transition.Accepted gotAck = accepted(client.receive(g1, decode(ackCommence), tick()));
        Session g1After = gotAck.session();
        now = now.plusSeconds(5);
        Transition.Accepted again = accepted(client.receive(g1After, decode(ackCommence), now));
        assertEquals(g1After, again.session());
        assertEquals(List.of(), again.effects().stream().filter(Effect.Send.class::isInstance).toList(),
                "nothing is sent twice: the lock-assert answers it already");
    }

    private Transition.Accepted g2(Transition t) {
        Transition.Accepted a = accepted(t);
        g2 = a.session();
        g2Log.addAll(a.entries());
        return a;
    }

    private Instant tick() {
        now = now.plusMillis(10);
        return now;
    }
}
