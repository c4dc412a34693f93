package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.satpgateway.core.session.Transitions.accepted;
import static org.satpgateway.core.session.Transitions.decode;
import static org.satpgateway.core.session.Transitions.sent;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.message.AckCommence;
import org.satpgateway.core.message.AssertionClaim;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.LockAssert;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.TransferReject;
import org.satpgateway.core.message.SatpMessage;

/**
 * A tampered, replayed, out-of-order or wrongly signed message is refused with the right SATP error, and the
 * session is left as it was: the same message, untampered, is still accepted afterwards.
 */
class TamperingTest {
    private final ClientStateMachine client = Fixtures.client();
    private final ServerStateMachine server = Fixtures.server();
    private final FakeLedger ledger = new FakeLedger("ledger-one");
    private Instant now = Fixtures.T0;
    private Session g1;
    private Session g2;
    private SignedMessage proposalReceipt;
    private SignedMessage ackCommence;

    /** Drives both sides until G1 has sent transfer-commence and G2 has answered with ack-commence (#4). */
    @BeforeEach
    void upToAckCommence() {
        ledger.issue(Fixtures.ASSET, Fixtures.ORIGINATOR, Fixtures.AMOUNT);
        Transition.Accepted started = accepted(client.start(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000e1",
                Duration.ofMinutes(5)), now));
        g1 = started.session();
        Transition.Accepted opened = accepted(server.open(decode(sent(started)), tick()));
        g2 = opened.session();
        proposalReceipt = sent(opened);
        Transition.Accepted commenced = accepted(client.receive(g1, decode(proposalReceipt), tick()));
        g1 = commenced.session();
        Transition.Accepted acked = accepted(server.receive(g2, decode(sent(commenced)), tick()));
        g2 = acked.session();
        ackCommence = sent(acked);
    }

    @Test
    void oneFlippedByteIsABadSignature() {
        String wire = ackCommence.wire();
        int at = wire.indexOf("\"timestamp\":\"") + 13;
        String tampered = wire.substring(0, at) + (wire.charAt(at) == '2' ? '3' : '2') + wire.substring(at + 1);
        assertRefused(client.receive(g1, decode(tampered), tick()), SatpError.BAD_SIGNATURE, "err_0.1.3");
        assertStillAccepted();
    }

    @Test
    void aChangedSequenceNumberIsRefused() {
        String tampered = ackCommence.wire().replace("\"sequenceNumber\":4", "\"sequenceNumber\":6");
        assertRefused(client.receive(g1, decode(tampered), tick()), SatpError.BAD_SIGNATURE, "err_0.1.3");
        SignedMessage resigned = sign(Fixtures.G2_KEY, new AckCommence(common(6, g1.lastMessageHash())));
        assertRefused(client.receive(g1, decode(resigned.wire()), tick()), SatpError.OUT_OF_SEQUENCE, "err_0.2.1");
        assertStillAccepted();
    }

    @Test
    void anOldMessageReplayedChangesNothingAndIsNotAnswered() {
        Session after = accepted(client.receive(g1, decode(ackCommence), tick())).session();
        Transition.Accepted replay = accepted(client.receive(after, decode(proposalReceipt), tick()));
        assertEquals(after, replay.session(), "a duplicate changes nothing");
        assertEquals(List.of(), replay.effects(), "the counterpart's later messages show it has the reply already");
    }

    @Test
    void theLatestMessageRepeatedIsAnsweredWithTheStoredReplyAndChangesNothing() {
        Transition t = client.receive(g1, decode(proposalReceipt), now.plusSeconds(30));
        Transition.Accepted a = accepted(t);
        assertEquals(g1, a.session());
        assertTrue(a.entries().isEmpty());
        assertEquals(List.of(MessageType.TRANSFER_COMMENCE), a.effects().stream()
                .filter(Effect.Send.class::isInstance).map(e -> ((Effect.Send) e).message().message().type()).toList());
    }

    @Test
    void aMessageFromAnotherKeyIsNotAuthorised() {
        SignedMessage forged = sign(Fixtures.INTRUDER_KEY, new AckCommence(common(4, g1.lastMessageHash())));
        assertRefused(client.receive(g1, decode(forged.wire()), tick()), SatpError.NOT_AUTHORISED, "err_0.1.2");
        assertStillAccepted();
    }

    @Test
    void aBrokenHashChainIsRefusedWithTheMessageSpecificCode() {
        SignedMessage broken = sign(Fixtures.G2_KEY, new AckCommence(common(4, "00".repeat(32))));
        assertRefused(client.receive(g1, decode(broken.wire()), tick()), SatpError.HASH_CHAIN_MISMATCH, "err_1.4.3");
        assertStillAccepted();
    }

    @Test
    void anotherContextOrSessionIsRefused() {
        Common c = common(4, g1.lastMessageHash());
        SignedMessage otherContext = sign(Fixtures.G2_KEY, new AckCommence(new Common(c.version(), c.messageType(),
                c.sessionId(), "ctx-other", c.sequenceNumber(), c.hashPrevMessage(), c.timestamp())));
        assertRefused(client.receive(g1, decode(otherContext.wire()), tick()), SatpError.CONTEXT_ID_MISMATCH, "err_1.4.1");
        SignedMessage otherSession = sign(Fixtures.G2_KEY, new AckCommence(new Common(c.version(), c.messageType(),
                "5f0c6a4e-0000-4000-8000-0000000000ff", c.transferContextId(), 4, c.hashPrevMessage(), c.timestamp())));
        assertRefused(client.receive(g1, decode(otherSession.wire()), tick()), SatpError.SESSION_ID_MISMATCH, "err_1.4.2");
        assertStillAccepted();
    }

    @Test
    void aMessageOfTheWrongRoleIsRefused() {
        SignedMessage wrongRole = sign(Fixtures.G2_KEY, new org.satpgateway.core.message.CommitPrepare(
                Common.of(MessageType.COMMIT_PREPARE, g1.sessionId(), g1.transferContextId(), 4, g1.lastMessageHash(), now)));
        assertRefused(client.receive(g1, decode(wrongRole.wire()), tick()), SatpError.UNKNOWN_MESSAGE_TYPE, "err_0.1.1");
        assertStillAccepted();
    }

    @Test
    void aLockClaimWithABadSignatureOrFormatIsRefusedByTheServer() {
        Transition.Accepted locking = accepted(client.receive(g1, decode(ackCommence), tick()));
        Effect.PerformLedgerAction lock = locking.effects().stream().filter(Effect.PerformLedgerAction.class::isInstance)
                .map(Effect.PerformLedgerAction.class::cast).findFirst().orElseThrow();
        Transition.Accepted locked = accepted(client.onLedgerResult(locking.session(), ledger.perform(lock.request()), tick()));
        LockAssert real = (LockAssert) sent(locked).message();
        AssertionClaim forgedClaim = new AssertionClaim(real.lockAssertionClaim().receipt() + "-changed",
                real.lockAssertionClaim().proof(), real.lockAssertionClaim().signature());
        SignedMessage badClaim = sign(Fixtures.G1_KEY, new LockAssert(real.common(), forgedClaim,
                real.lockAssertionClaimFormat(), real.lockAssertionExpiration()));
        assertRefused(server.receive(g2, decode(badClaim.wire()), tick()), SatpError.INVALID_CLAIM, "err_0.2.7");
        SignedMessage badFormat = sign(Fixtures.G1_KEY, new LockAssert(real.common(), real.lockAssertionClaim(),
                "urn:other:format", real.lockAssertionExpiration()));
        assertRefused(server.receive(g2, decode(badFormat.wire()), tick()), SatpError.INVALID_CLAIM_FORMAT, "err_1.1.3");
        accepted(server.receive(g2, decode(sent(locked)), tick()));
    }

    @Test
    void aProposalFromAnUnknownGatewayOpensNoSession() {
        ClientStateMachine intruder = new ClientStateMachine(new MessageSigner(Fixtures.CODEC, Fixtures.INTRUDER_KEY),
                new SessionLog(Fixtures.CODEC), Fixtures.G1_POLICY);
        Transition.Accepted started = accepted(intruder.start(Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000e2",
                Duration.ofMinutes(5)), now));
        assertRefused(server.open(decode(sent(started)), tick()), SatpError.NOT_AUTHORISED, "err_0.1.2");
    }

    @Test
    void aProposalWithTermsThisGatewayCannotMeetIsAnsweredWithReject() {
        TransferOrder o = Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000e3", Duration.ofMinutes(5));
        TransferOrder unknownProfile = new TransferOrder(o.sessionId(), o.transferContextId(), o.digitalAssetId(),
                "equity/v9", o.amount(), o.originator(), o.beneficiary(), o.originatorPublicKey(),
                o.beneficiaryPublicKey(), o.counterpart(), o.maxRetries(), o.deadline());
        Transition.Accepted started = accepted(client.start(unknownProfile, now));
        Transition.Accepted opened = accepted(server.open(decode(sent(started)), tick()));
        assertEquals(Status.REJECTED, opened.session().status());
        assertEquals(MessageType.TRANSFER_REJECT, sent(opened).message().type());
        Transition.Accepted told = accepted(client.receive(started.session(), decode(sent(opened)), tick()));
        assertEquals(Status.REJECTED, told.session().status());
        assertTrue(told.effects().contains(new Effect.Finish(Status.REJECTED)));
    }

    /**
     * The asset goes from an account of the sending gateway's organisation to one of the receiving gateway's, checked
     * on both sides before anything is locked: an assignment to an account the receiving ledger does not serve would
     * fail only after the burn.
     */
    @Test
    void accountsOfOtherOrganisationsAreRefusedBeforeAnythingIsLocked() {
        TransferOrder o = Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000e5", Duration.ofMinutes(5));
        assertRefused(client.start(withAccounts(o, "mallory@bank-nine", o.beneficiary(), o.counterpart()), now),
                SatpError.INVALID_ORIGINATOR, "err_1.1.14");
        assertRefused(client.start(withAccounts(o, o.originator(), "eve@bank-nine", o.counterpart()), now),
                SatpError.INVALID_BENEFICIARY, "err_1.1.15");
        assertRefused(client.start(withAccounts(o, o.originator(), "bank-two", o.counterpart()), now),
                SatpError.INVALID_BENEFICIARY, "err_1.1.15");

        // a gateway one that takes bank-nine for its counterpart's organisation: gateway two refuses the proposal
        TransferOrder.Counterpart wrong = new TransferOrder.Counterpart(o.counterpart().gatewayId(),
                o.counterpart().networkId(), "bank-nine", o.counterpart().signingKey());
        Transition.Accepted started = accepted(client.start(withAccounts(o, o.originator(), "eve@bank-nine", wrong), now));
        Transition.Accepted opened = accepted(server.open(decode(sent(started)), tick()));
        assertEquals(Status.REJECTED, opened.session().status());
        TransferReject reject = (TransferReject) sent(opened).message();
        assertEquals("err_1.1.15", reject.reasonCode(), reject.reason());
    }

    private static TransferOrder withAccounts(TransferOrder o, String originator, String beneficiary,
            TransferOrder.Counterpart counterpart) {
        return new TransferOrder(o.sessionId(), o.transferContextId(), o.digitalAssetId(), o.assetProfileId(),
                o.amount(), originator, beneficiary, o.originatorPublicKey(), o.beneficiaryPublicKey(), counterpart,
                o.maxRetries(), o.deadline());
    }

    @Test
    void anInvalidOrderIsRefusedWithTheFieldsCode() {
        TransferOrder o = Fixtures.order("5f0c6a4e-0000-4000-8000-0000000000e4", Duration.ofMinutes(5));
        TransferOrder noAmount = new TransferOrder(o.sessionId(), o.transferContextId(), o.digitalAssetId(),
                o.assetProfileId(), 0, o.originator(), o.beneficiary(), o.originatorPublicKey(),
                o.beneficiaryPublicKey(), o.counterpart(), o.maxRetries(), o.deadline());
        assertRefused(client.start(noAmount, now), SatpError.INVALID_AMOUNT, "err_1.1.13");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private void assertStillAccepted() {
        Transition.Accepted a = accepted(client.receive(g1, decode(ackCommence), tick()));
        assertEquals(4, a.session().lastSequence());
    }

    private static void assertRefused(Transition t, SatpError error, String code) {
        Transition.Rejected r = assertInstanceOf(Transition.Rejected.class, t, () -> "expected a rejection, got " + t);
        assertEquals(error, r.rejection().error(), r.rejection().toString());
        assertEquals(code, r.rejection().code(), r.rejection().toString());
    }

    private static SignedMessage sign(GatewayKeyPair key, SatpMessage m) {
        return new MessageSigner(Fixtures.CODEC, key).sign(m);
    }

    private Common common(long seq, String hashPrev) {
        return Common.of(MessageType.ACK_COMMENCE, g1.sessionId(), g1.transferContextId(), seq, hashPrev, now);
    }

    private Instant tick() {
        now = now.plusMillis(10);
        return now;
    }
}
