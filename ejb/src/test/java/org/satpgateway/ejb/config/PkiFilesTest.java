package org.satpgateway.ejb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.PeerCertificates;

class PkiFilesTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    @Test
    void provisionsOnceAndKeepsWhatExists() throws Exception {
        PkiFiles.Organisation one = PkiFiles.organisation(dir.resolve("pki/bank-one"), "bank-one");
        PkiFiles.Organisation two = PkiFiles.organisation(dir.resolve("pki/bank-two"), "bank-two");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pki/bank-one/ca.key.pem"))));
        Path g1 = dir.resolve("g1");
        PkiFiles.provision(one, two.root(), g1, "gateway-one", List.of("127.0.0.1", "localhost"), PASSWORD, List.of());
        byte[] tls = Files.readAllBytes(g1.resolve(PkiFiles.TLS_KEY_STORE));
        String signing = Files.readString(g1.resolve(PkiFiles.SIGNING_CERTIFICATE));

        PkiFiles.Organisation again = PkiFiles.organisation(dir.resolve("pki/bank-one"), "bank-one");
        assertEquals(one.root(), again.root(), "the root is reused");
        PkiFiles.provision(again, two.root(), g1, "gateway-one", List.of("127.0.0.1"), PASSWORD, List.of());
        assertTrue(java.util.Arrays.equals(tls, Files.readAllBytes(g1.resolve(PkiFiles.TLS_KEY_STORE))), "the key store is reused");
        assertEquals(signing, Files.readString(g1.resolve(PkiFiles.SIGNING_CERTIFICATE)), "the certificate is reused");

        KeyStore ks = PkiFiles.load(g1.resolve(PkiFiles.TLS_KEY_STORE), PASSWORD);
        assertEquals(2, ks.getCertificateChain(PkiFiles.TLS_ALIAS).length, "leaf and root");
        assertEquals(List.of(two.root()), PkiFiles.trustedRoots(PkiFiles.load(g1.resolve(PkiFiles.TRUST_STORE), PASSWORD)),
                "only the counterpart's root is trusted");
        X509Certificate cert = PkiFiles.readCertificate(g1.resolve(PkiFiles.SIGNING_CERTIFICATE));
        assertEquals(Optional.of(KeyFiles.loadOrCreate(g1, "gateway").publicJwk()), Certificates.signingKey(cert));
    }

    @Test
    void aNewSigningKeyGetsANewCertificate() throws Exception {
        PkiFiles.Organisation one = PkiFiles.organisation(dir.resolve("pki/bank-one"), "bank-one");
        PkiFiles.Organisation two = PkiFiles.organisation(dir.resolve("pki/bank-two"), "bank-two");
        Path g1 = dir.resolve("g1");
        PkiFiles.provision(one, two.root(), g1, "gateway-one", List.of(), PASSWORD, List.of());
        X509Certificate before = PkiFiles.readCertificate(g1.resolve(PkiFiles.SIGNING_CERTIFICATE));
        Files.delete(g1.resolve("gateway.key.json"));
        PkiFiles.provision(one, two.root(), g1, "gateway-one", List.of(), PASSWORD, List.of());
        X509Certificate after = PkiFiles.readCertificate(g1.resolve(PkiFiles.SIGNING_CERTIFICATE));
        assertNotEquals(Certificates.signingKey(before), Certificates.signingKey(after));
        assertEquals(Optional.of(KeyFiles.loadOrCreate(g1, "gateway").publicJwk()), Certificates.signingKey(after));
    }

    @Test
    void theCounterpartsKeyIsTrustedOnlyWithItsOrganisationsCertificateForItsId() {
        PkiFiles.Organisation one = PkiFiles.organisation(dir.resolve("pki/bank-one"), "bank-one");
        PkiFiles.Organisation two = PkiFiles.organisation(dir.resolve("pki/bank-two"), "bank-two");
        PkiFiles.Organisation three = PkiFiles.organisation(dir.resolve("pki/bank-three"), "bank-three");
        PkiFiles.provision(two, one.root(), dir.resolve("g2"), "gateway-two", List.of(), PASSWORD, List.of());
        PkiFiles.provision(three, one.root(), dir.resolve("g3"), "gateway-two", List.of(), PASSWORD, List.of());
        X509Certificate g2 = PkiFiles.readCertificate(dir.resolve("g2").resolve(PkiFiles.SIGNING_CERTIFICATE));
        X509Certificate g3 = PkiFiles.readCertificate(dir.resolve("g3").resolve(PkiFiles.SIGNING_CERTIFICATE));

        PeerCertificates trusted = new PeerCertificates(List.of(two.root()), Clock.systemUTC());
        assertEquals(Optional.empty(), trusted.add(g2));
        assertTrue(trusted.isTrusted("gateway-two", Certificates.signingKey(g2).orElseThrow()));
        assertFalse(trusted.isTrusted("gateway-one", Certificates.signingKey(g2).orElseThrow()), "only for its own id");
        assertTrue(trusted.add(g3).isPresent(), "bank-three's certificate is refused");
        assertFalse(trusted.isTrusted("gateway-two", Certificates.signingKey(g3).orElseThrow()));
    }
}
