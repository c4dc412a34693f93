package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.PeerCertificates;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.Recover;

/**
 * A counterpart's new signing key, announced in recover-msg with its certificate (protocol.md, Primary-backup, new
 * keys): G2 lost its key pair (or a backup took over) while a session was under way; G1 accepts the new key only on
 * the certificate checks, and from then on refuses the old one for that session.
 */
class KeyChangeTest {
    private static final Instant NOW = Fixtures.T0.plusSeconds(5);
    private static final Duration YEAR = Duration.ofDays(365);

    private final KeyPair bankTwoKey = Certificates.newEcKeyPair();
    private final X509Certificate bankTwo = Certificates.root("bank-two", bankTwoKey, Fixtures.T0, YEAR);
    private final GatewayKeyPair newKey = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private final GatewayKeyPair backupKey = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private final X509Certificate backupCert = cert(bankTwo, bankTwoKey, "gateway-two-b", backupKey, List.of());
    private final X509Certificate oldCert = cert(bankTwo, bankTwoKey, "gateway-two", Fixtures.G2_KEY,
            List.of(Certificates.sha256(backupCert)));
    private final PeerCertificates g1Trust = new PeerCertificates(List.of(bankTwo), Clock.fixed(NOW, ZoneOffset.UTC));

    private final ClientStateMachine client = Fixtures.client();
    private final List<LogEntry> g1Log = new ArrayList<>();
    private final List<LogEntry> g2Log = new ArrayList<>();
    private Session g1;
    private Session g2;

    KeyChangeTest() {
        assertEquals(java.util.Optional.empty(), g1Trust.add(oldCert));
        Transition.Accepted started = (Transition.Accepted) client.start(
                Fixtures.order("5f0c6a4e-0000-4000-8000-00000000abcd", Duration.ofMinutes(5)), Fixtures.T0);
        g1 = started.session();
        collect(started, g1Log);
        Transition.Accepted opened = (Transition.Accepted) Fixtures.server().open(decode(sent(started)), Fixtures.T0.plusSeconds(1));
        g2 = opened.session();
        collect(opened, g2Log);
        Transition.Accepted received = (Transition.Accepted) client.receive(g1, decode(sent(opened)), Fixtures.T0.plusSeconds(2));
        g1 = received.session();
        collect(received, g1Log);
    }

    @Test
    void aGatewayThatLostItsKeyAnnouncesTheNewOneAndTheCounterpartSwitches() {
        SignedMessage recover = recoverFrom(newKey, cert(bankTwo, bankTwoKey, "gateway-two", newKey, List.of()), false);
        Recover r = (Recover) recover.message();
        assertEquals(newKey.publicJwk(), r.newIdentityPublicKey());
        assertFalse(r.isBackup());

        Transition t = g1Planner().answer(g1, g1Log, decode(recover), NOW);
        Session switched = assertInstanceOf(Transition.Accepted.class, t, () -> String.valueOf(t)).session();
        assertEquals(newKey.publicJwk(), switched.peerKey(), "the session is checked with the new key from now on");

        // a message signed with the old key is refused for that session
        SignedMessage old = new MessageSigner(Fixtures.CODEC, Fixtures.G2_KEY).sign(r);
        assertTrue(new MessageVerifier().verifyOrigin(switched, decode(old), Role.SERVER).isPresent());
        assertTrue(new MessageVerifier().verifyOrigin(switched, decode(recover), Role.SERVER).isEmpty());
    }

    @Test
    void theNewKeyCountsAsKnownOnlyOnceTheCounterpartAnswered() {
        X509Certificate cert = cert(bankTwo, bankTwoKey, "gateway-two", newKey, List.of());
        RecoveryPlanner g2Planner = g2Planner(newKey, cert, false);
        Transition.Accepted started = (Transition.Accepted) g2Planner.start(g2, "restart", 1, NOW);
        Session announced = started.session();
        assertEquals(Fixtures.G2_KEY.publicJwk(), announced.ownKey(), "not known to the counterpart yet");
        assertEquals(newKey.publicJwk(), announced.announcedKey());
        // a timer's next recover-msg still announces it
        Recover again = (Recover) sent((Transition.Accepted) g2Planner.start(announced, "silent counterpart", 2, NOW)).message();
        assertEquals(newKey.publicJwk(), again.newIdentityPublicKey());

        Transition.Accepted answered = (Transition.Accepted) g1Planner().answer(g1, g1Log, decode(sent(started)), NOW);
        RecoveryPlan applied = g2Planner.onUpdate(announced, decode(sent(answered)), NOW.plusSeconds(1));
        Session after = assertInstanceOf(Transition.Accepted.class, applied.transition()).session();
        assertEquals(newKey.publicJwk(), after.ownKey(), "the counterpart answered: it checks with the new key");
        assertNull(after.announcedKey());
        assertTrue(((Transition.Accepted) g2Planner.announce(after, "new key", NOW)).effects().isEmpty(),
                "nothing more to announce");
    }

    /**
     * G2 restarted with a new key and announced it; until G1 answers the announcement, G2 signs no protocol message
     * with it (G1 would refuse such a message at its door, and G2's log would keep a message no one took): G1's
     * transfer-commence-msg, redelivered to G2 before the answer, waits. After the answer, G2 answers it with the new key.
     */
    @Test
    void nothingIsSignedWithTheNewKeyBeforeTheCounterpartAcceptedIt() {
        X509Certificate cert = cert(bankTwo, bankTwoKey, "gateway-two", newKey, List.of());
        ServerStateMachine restarted = new ServerStateMachine(new MessageSigner(Fixtures.CODEC, newKey),
                new SessionLog(Fixtures.CODEC), Fixtures.G2_POLICY, (id, k) -> true);
        RecoveryPlanner planner = new RecoveryPlanner(restarted,
                new Identity(newKey.publicJwk(), () -> Certificates.toPem(cert), false), g1Trust);
        Transition.Accepted started = (Transition.Accepted) planner.start(g2, "restart", 1, NOW);
        Session announced = started.session();
        assertEquals(newKey.publicJwk(), announced.announcedKey());
        Decoded.Message commence = (Decoded.Message) Fixtures.CODEC.decode(g1.lastSentWire().getBytes(StandardCharsets.UTF_8));
        assertEquals(MessageType.TRANSFER_COMMENCE, commence.message().message().type());

        KeyNotYetAccepted waits = assertThrows(KeyNotYetAccepted.class, () -> restarted.receive(announced, commence, NOW));
        assertTrue(waits.getMessage().contains("ACK_COMMENCE"), waits.getMessage());

        Transition.Accepted answered = (Transition.Accepted) g1Planner().answer(g1, g1Log, decode(sent(started)), NOW);
        Session after = assertInstanceOf(Transition.Accepted.class,
                planner.onUpdate(announced, decode(sent(answered)), NOW.plusSeconds(1)).transition()).session();
        assertNull(after.announcedKey(), "the counterpart answered the announcement");
        Transition t = restarted.receive(after, commence, NOW.plusSeconds(2));
        SignedMessage ack = sent(assertInstanceOf(Transition.Accepted.class, t, () -> String.valueOf(t)));
        assertEquals(MessageType.ACK_COMMENCE, ack.message().type());
        Session g1Switched = g1.toBuilder().withPeerKey(newKey.publicJwk()).build();
        assertTrue(new MessageVerifier().verifyOrigin(g1Switched, decode(ack), Role.SERVER).isEmpty(), "signed with the new key");
    }

    @Test
    void aSessionThatNeedsNoRecoveryCanCarryTheAnnouncement() {
        X509Certificate cert = cert(bankTwo, bankTwoKey, "gateway-two", newKey, List.of());
        Recover r = (Recover) sent((Transition.Accepted) g2Planner(newKey, cert, false).announce(g2, "new key", NOW)).message();
        assertEquals(newKey.publicJwk(), r.newIdentityPublicKey());
        assertEquals(Certificates.toPem(cert), r.certificate());
        assertTrue(((Transition.Accepted) g2Planner(Fixtures.G2_KEY, oldCert, false).announce(g2, "new key", NOW))
                .effects().isEmpty(), "an unchanged key is not announced");
    }

    @Test
    void aGatewayWhoseKeyIsUnchangedAnnouncesNothing() {
        RecoveryPlanner same = new RecoveryPlanner(Fixtures.server(),
                new Identity(Fixtures.G2_KEY.publicJwk(), () -> Certificates.toPem(oldCert), false), g1Trust);
        Recover r = (Recover) sent((Transition.Accepted) same.start(g2, "restart", 1, NOW)).message();
        assertNull(r.newIdentityPublicKey());
        assertNull(r.certificate());
    }

    @Test
    void anAuthorisedBackupIsAccepted() {
        Transition t = g1Planner().answer(g1, g1Log, decode(recoverFrom(backupKey, backupCert, true)), NOW);
        assertEquals(backupKey.publicJwk(), assertInstanceOf(Transition.Accepted.class, t).session().peerKey());
    }

    @Test
    void onceABackupTookOverNoOtherListedBackupIsAcceptedOnAnotherSession() {
        GatewayKeyPair secondKey = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
        X509Certificate second = cert(bankTwo, bankTwoKey, "gateway-two-c", secondKey, List.of());
        X509Certificate listingBoth = cert(bankTwo, bankTwoKey, "gateway-two", Fixtures.G2_KEY,
                List.of(Certificates.sha256(backupCert), Certificates.sha256(second)));
        PeerCertificates trust = new PeerCertificates(List.of(bankTwo), Clock.fixed(NOW, ZoneOffset.UTC));
        trust.add(listingBoth);
        RecoveryPlanner planner = new RecoveryPlanner(client, new Identity(Fixtures.G1_KEY.publicJwk(), () -> null, false), trust);
        // the first backup's takeover is accepted (on a session) and retires the primary's key
        Recover first = (Recover) recoverFrom(backupKey, backupCert, true).message();
        assertTrue(trust.check("gateway-two", Fixtures.G2_KEY.publicJwk(), first).isEmpty());
        trust.accept("gateway-two", Fixtures.G2_KEY.publicJwk(), first);

        // this session still names the primary's key: the second listed backup announces itself on it
        Transition t = planner.answer(g1, g1Log, decode(recoverFrom(secondKey, second, true)), NOW);
        Transition.Rejected r = assertInstanceOf(Transition.Rejected.class, t, () -> String.valueOf(t));
        assertEquals(SatpError.KEY_NOT_AUTHORISED, r.rejection().error());
        assertTrue(r.rejection().detail().contains("already replaced by gateway-two-b"), r.rejection().detail());
        // the backup that won announces itself on this session too: accepted
        Transition same = planner.answer(g1, g1Log, decode(recoverFrom(backupKey, backupCert, true)), NOW);
        assertEquals(backupKey.publicJwk(), assertInstanceOf(Transition.Accepted.class, same).session().peerKey());
    }

    @Test
    void aBackupThatIsNotListedIsRefused() {
        GatewayKeyPair other = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
        assertRefused(recoverFrom(other, cert(bankTwo, bankTwoKey, "gateway-two-c", other, List.of()), true),
                SatpError.KEY_NOT_AUTHORISED, "not among the authorised backups");
    }

    @Test
    void aBackupMustSayItIsOne() {
        assertRefused(recoverFrom(backupKey, backupCert, false), SatpError.KEY_NOT_AUTHORISED, "a backup must say isBackup");
    }

    @Test
    void aCertificateFromAnotherOrganisationIsRefused() {
        KeyPair otherCa = Certificates.newEcKeyPair();
        X509Certificate otherRoot = Certificates.root("bank-three", otherCa, Fixtures.T0, YEAR);
        assertRefused(recoverFrom(newKey, cert(otherRoot, otherCa, "gateway-two", newKey, List.of()), false),
                SatpError.NOT_AUTHORISED, "not certified by the counterpart organisation's CA");
    }

    @Test
    void anotherIssuerUnderATrustedRootIsRefused() {
        // bank-two runs a second root, also trusted by G1, but the crashed gateway's certificate is not from it
        KeyPair secondKey = Certificates.newEcKeyPair();
        X509Certificate second = Certificates.root("bank-two-ops", secondKey, Fixtures.T0, YEAR);
        PeerCertificates trust = new PeerCertificates(List.of(bankTwo, second), Clock.fixed(NOW, ZoneOffset.UTC));
        trust.add(oldCert);
        RecoveryPlanner planner = new RecoveryPlanner(client, new Identity(Fixtures.G1_KEY.publicJwk(), () -> null, false), trust);
        Transition t = planner.answer(g1, g1Log,
                decode(recoverFrom(newKey, cert(second, secondKey, "gateway-two", newKey, List.of()), false)), NOW);
        Transition.Rejected r = assertInstanceOf(Transition.Rejected.class, t);
        assertTrue(r.rejection().detail().contains("not by the issuer of the crashed gateway's certificate"), r.rejection().detail());
    }

    @Test
    void anExpiredCertificateIsRefused() {
        X509Certificate expired = Certificates.signing(bankTwo, bankTwoKey.getPrivate(), "gateway-two", newKey.publicJwk(),
                List.of(), Fixtures.T0, Duration.ofSeconds(1));
        assertRefused(recoverFrom(newKey, expired, false), SatpError.NOT_AUTHORISED, "not valid at");
    }

    @Test
    void aCertificateForAnotherKeyIsRefused() {
        GatewayKeyPair other = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
        assertRefused(recoverFrom(newKey, cert(bankTwo, bankTwoKey, "gateway-two", other, List.of()), false),
                SatpError.KEY_NOT_AUTHORISED, "not for the announced key");
    }

    @Test
    void aRetiredKeyCannotComeBack() {
        SignedMessage first = recoverFrom(newKey, cert(bankTwo, bankTwoKey, "gateway-two", newKey, List.of()), false);
        g1Trust.accept("gateway-two", Fixtures.G2_KEY.publicJwk(), (Recover) first.message());
        assertFalse(g1Trust.isTrusted("gateway-two", Fixtures.G2_KEY.publicJwk()), "the old key is retired");
        assertTrue(g1Trust.isTrusted("gateway-two", newKey.publicJwk()));
        assertEquals(newKey.publicJwk(), g1Trust.current("gateway-two").orElseThrow());
        // the old key announced again, with its certificate (a stolen key pair, say)
        Recover r = (Recover) first.message();
        Recover again = new Recover(r.common(), r.satpPhase(), false, Fixtures.G2_KEY.publicJwk(), Certificates.toPem(oldCert),
                r.lastEntryTimestamp(), r.crashReason());
        assertRefused(new MessageSigner(Fixtures.CODEC, Fixtures.G2_KEY).sign(again), SatpError.KEY_NOT_AUTHORISED,
                "cannot come back");
    }

    @Test
    void aRecoverMsgSignedWithAnotherKeyThanTheAnnouncedOneIsRefused() {
        X509Certificate cert = cert(bankTwo, bankTwoKey, "gateway-two", newKey, List.of());
        Recover announced = (Recover) recoverFrom(newKey, cert, false).message();
        SignedMessage forged = new MessageSigner(Fixtures.CODEC, Fixtures.INTRUDER_KEY).sign(announced);
        Transition t = g1Planner().answer(g1, g1Log, decode(forged), NOW);
        Transition.Rejected r = assertInstanceOf(Transition.Rejected.class, t);
        assertTrue(r.rejection().detail().contains("signed with key"), r.rejection().detail());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private RecoveryPlanner g1Planner() {
        return new RecoveryPlanner(client, new Identity(Fixtures.G1_KEY.publicJwk(), () -> null, false), g1Trust);
    }

    /** G2 restarted with {@code key}: its recover-msg for the session, as its planner makes it. */
    private SignedMessage recoverFrom(GatewayKeyPair key, X509Certificate cert, boolean backup) {
        return sent((Transition.Accepted) g2Planner(key, cert, backup).start(g2, "restart", 1, NOW));
    }

    private RecoveryPlanner g2Planner(GatewayKeyPair key, X509Certificate cert, boolean backup) {
        ServerStateMachine restarted = new ServerStateMachine(new MessageSigner(Fixtures.CODEC, key),
                new SessionLog(Fixtures.CODEC), Fixtures.G2_POLICY, (id, k) -> true);
        return new RecoveryPlanner(restarted, new Identity(key.publicJwk(), () -> Certificates.toPem(cert), backup), g1Trust);
    }

    private void assertRefused(SignedMessage recover, SatpError error, String why) {
        Transition t = g1Planner().answer(g1, g1Log, decode(recover), NOW);
        Transition.Rejected r = assertInstanceOf(Transition.Rejected.class, t, () -> String.valueOf(t));
        assertEquals(error, r.rejection().error(), r.rejection().detail());
        assertTrue(r.rejection().detail().contains(why), r.rejection().detail());
        assertEquals(Fixtures.G2_KEY.publicJwk(), g1.peerKey(), "nothing changed");
    }

    private static X509Certificate cert(X509Certificate root, KeyPair rootKey, String id, GatewayKeyPair key,
            List<String> backups) {
        return Certificates.signing(root, rootKey.getPrivate(), id, key.publicJwk(), backups, Fixtures.T0, YEAR);
    }

    private static SignedMessage sent(Transition.Accepted t) {
        return t.effects().stream().filter(Effect.Send.class::isInstance).map(e -> ((Effect.Send) e).message())
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("nothing sent: " + t.effects()));
    }

    private static void collect(Transition.Accepted t, List<LogEntry> log) {
        t.effects().stream().filter(Effect.AppendLog.class::isInstance).forEach(e -> log.addAll(((Effect.AppendLog) e).entries()));
    }

    private static Decoded.Message decode(SignedMessage m) {
        return (Decoded.Message) Fixtures.CODEC.decode(m.wire().getBytes(StandardCharsets.UTF_8));
    }
}
