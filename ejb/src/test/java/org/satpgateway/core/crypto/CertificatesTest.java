package org.satpgateway.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificatesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration YEAR = Duration.ofDays(365);

    private final KeyPair bankOneKey = Certificates.newEcKeyPair();
    private final X509Certificate bankOne = Certificates.root("bank-one", bankOneKey, NOW, YEAR);
    private final KeyPair bankTwoKey = Certificates.newEcKeyPair();
    private final X509Certificate bankTwo = Certificates.root("bank-two", bankTwoKey, NOW, YEAR);
    private final GatewayKeyPair signingKey = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());

    @Test
    void aSigningCertificateBindsTheKeyToTheGatewayUnderItsOrganisation() {
        X509Certificate cert = Certificates.signing(bankOne, bankOneKey.getPrivate(), "gateway-one", signingKey.publicJwk(),
                List.of(), NOW, YEAR);
        assertEquals(Optional.empty(), problem(cert, bankOne, NOW));
        assertEquals(Optional.of(signingKey.publicJwk()), Certificates.signingKey(cert));
        assertEquals("gateway-one", Certificates.commonName(cert));
        assertTrue(Certificates.issuer(cert).contains("bank-one"));
        assertEquals(List.of(), Certificates.authorisedBackups(cert));
    }

    @Test
    void theAuthorisedBackupsTravelInTheCertificate() {
        X509Certificate backup = Certificates.signing(bankOne, bankOneKey.getPrivate(), "gateway-one-b",
                GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom()).publicJwk(), List.of(), NOW, YEAR);
        X509Certificate primary = Certificates.signing(bankOne, bankOneKey.getPrivate(), "gateway-one", signingKey.publicJwk(),
                List.of(Certificates.sha256(backup)), NOW, YEAR);
        assertEquals(List.of(Certificates.sha256(backup)), Certificates.authorisedBackups(primary));
        assertEquals(64, Certificates.sha256(backup).length());
    }

    @Test
    void aCertificateFromAnotherRootIsNotValidForThisOne() {
        X509Certificate foreign = Certificates.signing(bankTwo, bankTwoKey.getPrivate(), "gateway-one", signingKey.publicJwk(),
                List.of(), NOW, YEAR);
        assertTrue(problem(foreign, bankOne, NOW).orElseThrow().startsWith("no path to a trusted root"));
    }

    @Test
    void aCertificateSignedByAnotherKeyUnderTheSameNameIsRefused() {
        KeyPair impostorKey = Certificates.newEcKeyPair();
        X509Certificate impostorRoot = Certificates.root("bank-one", impostorKey, NOW, YEAR);
        X509Certificate forged = Certificates.signing(impostorRoot, impostorKey.getPrivate(), "gateway-one",
                signingKey.publicJwk(), List.of(), NOW, YEAR);
        assertTrue(problem(forged, bankOne, NOW).orElseThrow().startsWith("no path to a trusted root"));
    }

    @Test
    void anExpiredCertificateIsRefused() {
        X509Certificate cert = Certificates.signing(bankOne, bankOneKey.getPrivate(), "gateway-one", signingKey.publicJwk(),
                List.of(), NOW, Duration.ofDays(1));
        assertTrue(problem(cert, bankOne, NOW.plus(Duration.ofDays(2))).orElseThrow().contains("not valid at"));
    }

    @Test
    void aLeafIsNotAcceptedAsARoot() {
        X509Certificate tls = Certificates.tls(bankOne, bankOneKey.getPrivate(), "gateway-one", bankTwoKey.getPublic(),
                List.of("127.0.0.1", "localhost"), NOW, YEAR);
        X509Certificate underLeaf = Certificates.signing(tls, bankTwoKey.getPrivate(), "gateway-x", signingKey.publicJwk(),
                List.of(), NOW, YEAR);
        assertTrue(problem(underLeaf, tls, NOW).orElseThrow().contains("not a CA"));
    }

    @Test
    void anEs256kKeyIsCertifiedToo() {
        GatewayKeyPair k1 = GatewayKeyPair.generate(SignatureAlgorithm.ES256K, new SecureRandom());
        X509Certificate cert = Certificates.signing(bankOne, bankOneKey.getPrivate(), "gateway-one", k1.publicJwk(),
                List.of(), NOW, YEAR);
        assertEquals(Optional.of(k1.publicJwk()), Certificates.signingKey(cert));
        assertEquals(Optional.empty(), problem(cert, bankOne, NOW));
    }

    @Test
    void aSigningRequestIsCertifiedForItsKeyAndSubject() {
        String csr = Certificates.signingRequest("gateway-one", "bank-one", signingKey);
        assertTrue(csr.startsWith("-----BEGIN CERTIFICATE REQUEST-----"), csr);
        X509Certificate cert = Certificates.signingFromRequest(bankOne, bankOneKey.getPrivate(), csr, List.of(), NOW, YEAR);
        assertEquals(Optional.of(signingKey.publicJwk()), Certificates.signingKey(cert));
        assertEquals("gateway-one", Certificates.commonName(cert));
        assertEquals(Optional.empty(), problem(cert, bankOne, NOW));
    }

    @Test
    void aSigningRequestWithAnotherKeysSignatureIsRefused() {
        String csr = Certificates.signingRequest("gateway-one", "bank-one", signingKey);
        String other = Certificates.signingRequest("gateway-one", "bank-one",
                GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom()));
        // the body of one request with the signature of the other: the key named is not the key that signed
        org.bouncycastle.asn1.ASN1Sequence a = der(csr);
        org.bouncycastle.asn1.ASN1Sequence b = der(other);
        org.bouncycastle.asn1.ASN1EncodableVector v = new org.bouncycastle.asn1.ASN1EncodableVector();
        v.add(a.getObjectAt(0));
        v.add(a.getObjectAt(1));
        v.add(b.getObjectAt(2));
        String forged;
        try {
            forged = "-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                    new org.bouncycastle.asn1.DERSequence(v).getEncoded()) + "\n-----END CERTIFICATE REQUEST-----\n";
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Certificates.signingFromRequest(bankOne, bankOneKey.getPrivate(), forged, List.of(), NOW, YEAR));
        assertTrue(e.getMessage().contains("not signed by the key"), e.getMessage());
    }

    /** Why {@code cert} is not valid under {@code root} at {@code at}, as the gateway checks a counterpart's certificate. */
    private static Optional<String> problem(X509Certificate cert, X509Certificate root, Instant at) {
        return new PeerCertificates(List.of(root), Clock.fixed(at, ZoneOffset.UTC)).problem(cert);
    }

    private static org.bouncycastle.asn1.ASN1Sequence der(String pem) {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return org.bouncycastle.asn1.ASN1Sequence.getInstance(java.util.Base64.getDecoder().decode(b64));
    }

    @Test
    void pemRoundTrips() {
        X509Certificate cert = Certificates.signing(bankOne, bankOneKey.getPrivate(), "gateway-one", signingKey.publicJwk(),
                List.of(), NOW, YEAR);
        String pem = Certificates.toPem(cert) + Certificates.toPem(bankOne);
        assertEquals(List.of(cert, bankOne), Certificates.fromPem(pem));
        assertEquals(bankOneKey.getPrivate(), Certificates.privateKeyFromPem(Certificates.toPem(bankOneKey.getPrivate())));
    }
}
