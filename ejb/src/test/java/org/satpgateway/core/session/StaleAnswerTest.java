package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.satpgateway.core.session.Transitions.accepted;
import static org.satpgateway.core.session.Transitions.decode;
import static org.satpgateway.core.session.Transitions.sent;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.message.MessageType;

/**
 * G1 crashed while its proposal waited on its outbound queue; at the restart its recover-msg reached G2 before the
 * proposal did, so G2 answered "session not found", and then took the proposal and answered it. A session-not-found
 * that answers a recover-msg sent before the counterpart's later chain messages is stale: it decides nothing (seen on
 * real gateways: G1 aborted a transfer G2 was carrying on, `G1-between-prepare-and-commit`).
 */
class StaleAnswerTest {
    private final ClientStateMachine client = Fixtures.client();
    private final ServerStateMachine server = Fixtures.server();
    private final RecoveryPlanner g1Planner = new RecoveryPlanner(client);
    private final RecoveryPlanner g2Planner = new RecoveryPlanner(server);
    private Instant now = Fixtures.T0;
    private Session g1;
    private SignedMessage proposal;
    private SignedMessage notFound;

    /** G1 proposed (the proposal still queued), restarted and sent recover-msg; G2, not knowing the session yet, answered. */
    @BeforeEach
    void recoverMsgOvertakesTheProposal() {
        Transition.Accepted started = accepted(client.start(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000e1",
                Duration.ofMinutes(5)), now));
        proposal = sent(started);
        Transition.Accepted recover = accepted(g1Planner.start(started.session(), "restart", 1, tick()));
        g1 = recover.session();
        notFound = g2Planner.sessionNotFound(decode(sent(recover)), tick());
        assertEquals(MessageType.ERROR, notFound.message().type());
    }

    @Test
    void aSessionNotFoundOlderThanTheCounterpartsAnswerDecidesNothing() {
        Transition.Accepted opened = accepted(server.open(decode(proposal), tick()));
        Transition.Accepted commenced = accepted(client.receive(g1, decode(sent(opened)), tick()));
        g1 = commenced.session();
        assertEquals(MessageType.TRANSFER_COMMENCE, sent(commenced).message().type());

        RecoveryPlan plan = g1Planner.onSessionNotFound(g1, decode(notFound), tick());

        Transition.Rejected stale = assertInstanceOf(Transition.Rejected.class, plan.transition(), plan::detail);
        assertEquals(SatpError.OUT_OF_SEQUENCE, stale.rejection().error());
        assertEquals(Status.ACTIVE, g1.status(), "the transfer goes on");
    }

    @Test
    void aSessionNotFoundWhileTheProposalIsStillUnansweredResendsIt() {
        RecoveryPlan plan = g1Planner.onSessionNotFound(g1, decode(notFound), tick());

        assertEquals(RecoveryPlan.Decision.RESEND, plan.decision());
        assertEquals(proposal.wire(), sent(accepted(plan.transition())).wire(), "the proposal, again");
    }

    private Instant tick() {
        now = now.plusMillis(10);
        return now;
    }
}
