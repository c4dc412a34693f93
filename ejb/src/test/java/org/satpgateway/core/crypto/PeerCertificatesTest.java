package org.satpgateway.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.Recover;

/**
 * The counterpart's certificate chains as the gateway validates them: bank-two's root certifies an intermediate
 * signing CA, which issues the gateways' signing certificates and publishes CRLs.
 */
class PeerCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration YEAR = Duration.ofDays(365);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final KeyPair rootKey = Certificates.newEcKeyPair();
    private final X509Certificate root = Certificates.root("bank-two", rootKey, NOW.minus(Duration.ofDays(30)), YEAR.multipliedBy(3));
    private final KeyPair caKey = Certificates.newEcKeyPair();
    private final X509Certificate ca = Certificates.intermediate(root, rootKey.getPrivate(), "bank-two Signing CA",
            caKey.getPublic(), NOW.minus(Duration.ofDays(30)), YEAR.multipliedBy(2));
    private final GatewayKeyPair key = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private final X509Certificate leaf = signing("gateway-two", key, List.of());

    @Test
    void aChainThroughAnIntermediateIsValid() {
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(leaf, ca)));
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(leaf, ca, root)), "the root may travel along");
    }

    @Test
    void theSameLeafWithoutItsIntermediateHasNoPath() {
        assertStartsWith("no path to a trusted root", trust(Revocation.NONE).problem(leaf));
        assertStartsWith("no path to a trusted root", trust(Revocation.NONE).problem(List.of(leaf, root)));
    }

    @Test
    void anIntermediateOfAnotherOrganisationHasNoPath() {
        KeyPair otherKey = Certificates.newEcKeyPair();
        X509Certificate otherRoot = Certificates.root("bank-three", otherKey, NOW.minus(Duration.ofDays(30)), YEAR);
        X509Certificate otherCa = Certificates.intermediate(otherRoot, otherKey.getPrivate(), "bank-two Signing CA",
                caKey.getPublic(), NOW.minus(Duration.ofDays(30)), YEAR);
        assertStartsWith("no path to a trusted root", trust(Revocation.NONE).problem(List.of(leaf, otherCa)));
    }

    @Test
    void aSigningCertificateMustAllowDigitalSignatures() {
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(custom(KeyUsage.digitalSignature, null, false), ca)));
        assertStartsWith("not for signing", trust(Revocation.NONE).problem(List.of(custom(KeyUsage.keyAgreement, null, false), ca)));
        assertStartsWith("not for signing", trust(Revocation.NONE).problem(List.of(custom(-1, null, false), ca)));
    }

    @Test
    void anUnknownCriticalExtensionFailsWhileTheAuthorisedBackupsPass() {
        ASN1ObjectIdentifier unknown = new ASN1ObjectIdentifier("2.25.1234567890");
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(signing("gateway-two", key,
                List.of(Certificates.sha256(ca))), ca)));
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(
                custom(KeyUsage.digitalSignature, Certificates.AUTHORISED_BACKUPS, false), ca)));
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(custom(KeyUsage.digitalSignature, unknown, false), ca)),
                "an unknown extension that is not critical is ignored");
        assertStartsWith("unknown critical extension",
                trust(Revocation.NONE).problem(List.of(custom(KeyUsage.digitalSignature, unknown, true), ca)));
    }

    @Test
    void anExpiredLeafFails() {
        X509Certificate shortLived = Certificates.signing(ca, caKey.getPrivate(), "gateway-two", key.publicJwk(), List.of(),
                NOW.minus(Duration.ofDays(2)), Duration.ofDays(1));
        String why = trust(Revocation.NONE).problem(List.of(shortLived, ca)).orElseThrow();
        assertTrue(why.startsWith("not valid at " + NOW) && why.contains("gateway-two"), why);
    }

    @Test
    void anExpiredIntermediateFails() {
        X509Certificate oldCa = Certificates.intermediate(root, rootKey.getPrivate(), "bank-two Signing CA", caKey.getPublic(),
                NOW.minus(Duration.ofDays(20)), Duration.ofDays(10));
        X509Certificate longLived = Certificates.signing(oldCa, caKey.getPrivate(), "gateway-two", key.publicJwk(), List.of(),
                NOW.minus(Duration.ofDays(20)), YEAR);
        assertEquals(Optional.empty(), trust(Revocation.NONE, NOW.minus(Duration.ofDays(15))).problem(List.of(longLived, oldCa)),
                "valid while the intermediate was");
        String why = trust(Revocation.NONE).problem(List.of(longLived, oldCa)).orElseThrow();
        assertTrue(why.startsWith("not valid at " + NOW) && why.contains("Signing CA"), why);
    }

    @Test
    void aRevokedLeafFailsAndAnUnrevokedOnePasses() {
        X509Certificate other = signing("gateway-two-b", GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom()),
                List.of());
        Revocation crls = new Revocation(List.of(rootCrl(), caCrl(leaf.getSerialNumber())), Optional.empty(), true);
        String why = trust(crls).problem(List.of(leaf, ca)).orElseThrow();
        assertTrue(why.startsWith("revoked: ") && why.contains("gateway-two"), why);
        assertEquals(Optional.empty(), trust(crls).problem(List.of(other, ca)));
        assertEquals(Optional.empty(), trust(Revocation.NONE).problem(List.of(leaf, ca)), "revocation is not checked without a source");
    }

    @Test
    void aRevokedIntermediateFails() {
        Revocation crls = new Revocation(List.of(rootCrl(ca.getSerialNumber()), caCrl()), Optional.empty(), false);
        String why = trust(crls).problem(List.of(leaf, ca)).orElseThrow();
        assertTrue(why.startsWith("revoked: ") && why.contains("Signing CA"), why);
    }

    @Test
    void aCrlSignedByAnotherKeyIsNoProof() {
        KeyPair impostor = Certificates.newEcKeyPair();
        X509CRL forgedRevoking = Certificates.crl(ca, impostor.getPrivate(), List.of(leaf.getSerialNumber()), NOW.minusSeconds(60));
        X509CRL forgedClean = Certificates.crl(ca, impostor.getPrivate(), List.of(), NOW.minusSeconds(60));
        // a forged CRL revokes nothing, and it does not vouch for the certificate when the status is required
        assertEquals(Optional.empty(), trust(new Revocation(List.of(rootCrl(), forgedRevoking), Optional.empty(), false))
                .problem(List.of(leaf, ca)));
        assertStartsWith("revocation status unknown",
                trust(new Revocation(List.of(rootCrl(), forgedClean), Optional.empty(), true)).problem(List.of(leaf, ca)));
        assertEquals(Optional.empty(), trust(new Revocation(List.of(rootCrl(), caCrl()), Optional.empty(), true))
                .problem(List.of(leaf, ca)), "the genuine CRL does");
    }

    @Test
    void whenAnIssuerHasNoCurrentCrlRequiredDecides() {
        Revocation rootOnly = new Revocation(List.of(rootCrl()), Optional.empty(), true);
        assertStartsWith("revocation status unknown", trust(rootOnly).problem(List.of(leaf, ca)));
        assertEquals(Optional.empty(), trust(new Revocation(List.of(rootCrl()), Optional.empty(), false)).problem(List.of(leaf, ca)),
                "soft fail");
        X509CRL stale = Certificates.crl(ca, caKey.getPrivate(), List.of(), NOW.minus(Duration.ofDays(10)), Duration.ofDays(7));
        assertStartsWith("revocation status unknown",
                trust(new Revocation(List.of(rootCrl(), stale), Optional.empty(), true)).problem(List.of(leaf, ca)));
    }

    /** No OCSP responder runs here: an unreachable one shows the soft and hard fail, and the fallback to CRLs. */
    @Test
    void anUnreachableOcspResponderFailsOnlyWhenRequiredAndCrlsAreTheFallback() throws IOException {
        Optional<java.net.URI> ocsp = Optional.of(unreachable());
        assertEquals(Optional.empty(), trust(new Revocation(List.of(), ocsp, false)).problem(List.of(leaf, ca)));
        assertStartsWith("revocation status unknown", trust(new Revocation(List.of(), ocsp, true)).problem(List.of(leaf, ca)));
        assertEquals(Optional.empty(), trust(new Revocation(List.of(rootCrl(), caCrl()), ocsp, true)).problem(List.of(leaf, ca)));
        assertStartsWith("revoked: ",
                trust(new Revocation(List.of(rootCrl(), caCrl(leaf.getSerialNumber())), ocsp, true)).problem(List.of(leaf, ca)));
    }

    @Test
    void anAnnouncedKeyWithItsChainIsAccepted() {
        GatewayKeyPair oldKey = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
        PeerCertificates trust = trust(new Revocation(List.of(rootCrl(), caCrl()), Optional.empty(), true));
        assertEquals(Optional.empty(), trust.add(List.of(signing("gateway-two", oldKey, List.of()), ca)));
        assertTrue(trust.isTrusted("gateway-two", oldKey.publicJwk()));

        Recover withChain = announce(Certificates.toPem(leaf) + Certificates.toPem(ca));
        assertEquals(Optional.empty(), trust.check("gateway-two", oldKey.publicJwk(), withChain));
        Rejection alone = trust.check("gateway-two", oldKey.publicJwk(), announce(Certificates.toPem(leaf))).orElseThrow();
        assertEquals(SatpError.NOT_AUTHORISED, alone.error());
        assertTrue(alone.detail().contains("no path to a trusted root"), alone.detail());

        trust.accept("gateway-two", oldKey.publicJwk(), withChain);
        assertTrue(trust.isTrusted("gateway-two", key.publicJwk()), "the accepted key keeps its intermediate");
        assertEquals(List.of(leaf, ca), trust.entry(key.publicJwk()).orElseThrow().chain());
    }

    @Test
    void anAnnouncedKeyWithARevokedCertificateIsRefused() {
        GatewayKeyPair oldKey = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
        PeerCertificates trust = trust(new Revocation(List.of(rootCrl(), caCrl(leaf.getSerialNumber())), Optional.empty(), true));
        assertEquals(Optional.empty(), trust.add(List.of(signing("gateway-two", oldKey, List.of()), ca)));
        Rejection r = trust.check("gateway-two", oldKey.publicJwk(),
                announce(Certificates.toPem(leaf) + Certificates.toPem(ca))).orElseThrow();
        assertEquals(SatpError.NOT_AUTHORISED, r.error());
        assertTrue(r.detail().contains("revoked: "), r.detail());
    }

    @Test
    void crlFilesAreReadAsDerOrPem(@TempDir Path dir) throws Exception {
        Path der = Files.write(dir.resolve("root.crl"), rootCrl().getEncoded());
        Path pem = Files.writeString(dir.resolve("ca.crl.pem"), Certificates.toPem(caCrl(leaf.getSerialNumber())));
        Revocation r = Revocation.of(List.of(der, pem), " http://ocsp.bank-two.example/ ", true);
        assertEquals(2, r.crls().size());
        assertEquals(Optional.of(java.net.URI.create("http://ocsp.bank-two.example/")), r.ocspResponder());
        assertStartsWith("revoked: ", trust(new Revocation(r.crls(), Optional.empty(), true)).problem(List.of(leaf, ca)));
        assertEquals(Revocation.NONE, Revocation.of(List.of(), "", false));
        assertThrows(IllegalArgumentException.class, () -> Revocation.of(List.of(), "", true));
        Path junk = Files.writeString(dir.resolve("junk.crl"), "not a CRL", StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> Revocation.of(List.of(junk), null, false));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private PeerCertificates trust(Revocation revocation) {
        return trust(revocation, NOW);
    }

    private PeerCertificates trust(Revocation revocation, Instant at) {
        return new PeerCertificates(List.of(root), revocation, Clock.fixed(at, ZoneOffset.UTC));
    }

    private X509Certificate signing(String gatewayId, GatewayKeyPair k, List<String> backups) {
        return Certificates.signing(ca, caKey.getPrivate(), gatewayId, k.publicJwk(), backups, NOW.minus(Duration.ofDays(1)), YEAR);
    }

    private X509CRL rootCrl(BigInteger... revoked) {
        return Certificates.crl(root, rootKey.getPrivate(), List.of(revoked), NOW.minusSeconds(60));
    }

    private X509CRL caCrl(BigInteger... revoked) {
        return Certificates.crl(ca, caKey.getPrivate(), List.of(revoked), NOW.minusSeconds(60));
    }

    /**
     * A signing certificate from the intermediate with the given key usage (none when negative) and, when {@code
     * extension} is given, that extension (an empty SEQUENCE) with the given criticality.
     */
    private X509Certificate custom(int keyUsage, ASN1ObjectIdentifier extension, boolean critical) {
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(new SecureRandom().nextInt(Integer.MAX_VALUE) + 1L), Date.from(NOW.minus(Duration.ofDays(1))),
                    Date.from(NOW.plus(YEAR)), new X500Name("CN=gateway-two,O=bank-two"),
                    SubjectPublicKeyInfo.getInstance(Certificates.newEcKeyPair().getPublic().getEncoded()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            if (keyUsage >= 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (extension != null) {
                b.addExtension(extension, critical, new DERSequence());
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Recover announce(String pem) {
        Common common = new Common(Common.VERSION, MessageType.RECOVER, UUID.randomUUID().toString(), "transfer-1", 3, null,
                NOW.toString());
        return new Recover(common, "TRANSFER", false, key.publicJwk(), pem, null, "restart");
    }

    /** An http URL on a local port nothing listens at. */
    private static java.net.URI unreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return java.net.URI.create("http://127.0.0.1:" + port + "/ocsp");
    }

    private static void assertStartsWith(String prefix, Optional<String> problem) {
        String why = problem.orElseThrow(() -> new AssertionError("expected a problem starting with " + prefix));
        assertTrue(why.startsWith(prefix), why);
    }
}
