package org.satpgateway.ejb.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.GatewayKeyPair;

/**
 * The files of the gateways' trust model (docs/security.md). An organisation's CA folder holds {@code ca.key.pem}
 * (owner read/write only) and {@code ca.crt.pem}. A gateway's data folder holds:
 * <ul>
 * <li>{@code tls.p12}: its TLS key and certificate chain (alias {@code tls}), for mutual TLS;</li>
 * <li>{@code trust.p12}: the roots it trusts, the counterpart organisation's (alias {@code peer-root});</li>
 * <li>{@code gateway.key.json} and {@code gateway.public.jwk}: its SATP signing key ({@link KeyFiles});</li>
 * <li>{@code gateway.crt.pem}: the certificate of that key, issued by its own organisation's root;</li>
 * <li>{@code ca.crt.pem}: its own organisation's root.</li>
 * </ul>
 * The embedded default creates all of this on first start and reuses it afterwards; in production the files come
 * from the organisation's own CA and key stores.
 */
public final class PkiFiles {
    public static final String TLS_KEY_STORE = "tls.p12";
    public static final String TRUST_STORE = "trust.p12";
    public static final String SIGNING_CERTIFICATE = "gateway.crt.pem";
    public static final String OWN_ROOT = "ca.crt.pem";
    public static final String SIGNING_REQUEST = "gateway.csr.pem";
    public static final String TLS_ALIAS = "tls";
    public static final String PEER_ROOT_ALIAS = "peer-root";
    private static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(825);

    private PkiFiles() {}

    /** An organisation's CA: its root certificate and key. */
    public record Organisation(String name, X509Certificate root, PrivateKey key) {

        /** A TLS certificate for a gateway of this organisation. */
        public X509Certificate issueTls(String gatewayId, java.security.PublicKey publicKey, List<String> hosts) {
            return Certificates.tls(root, key, gatewayId, publicKey, hosts, Instant.now(), LEAF_VALIDITY);
        }

        /** A signing certificate for a gateway's SATP key, listing its authorised backups (hex SHA-256). */
        public X509Certificate issueSigning(String gatewayId, GatewayKeyPair signingKey, List<String> backups) {
            return Certificates.signing(root, key, gatewayId, signingKey.publicJwk(), backups, Instant.now(), LEAF_VALIDITY);
        }
    }

    /** Loads the organisation's CA from {@code dir}, or creates a new root there. */
    public static Organisation organisation(Path dir, String name) {
        Path keyFile = dir.resolve("ca.key.pem");
        Path certFile = dir.resolve("ca.crt.pem");
        try {
            if (Files.exists(keyFile) && Files.exists(certFile)) {
                return new Organisation(name, Certificates.fromPem(Files.readString(certFile)).get(0),
                        Certificates.privateKeyFromPem(Files.readString(keyFile)));
            }
            Files.createDirectories(dir);
            KeyPair pair = Certificates.newEcKeyPair();
            X509Certificate root = Certificates.root(name, pair, Instant.now(), ROOT_VALIDITY);
            writeSecret(keyFile, Certificates.toPem(pair.getPrivate()));
            writeAtomically(certFile, Certificates.toPem(root));
            return new Organisation(name, root, pair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the CA in " + dir, e);
        }
    }

    /** Loads the organisation's CA from {@code dir}; fails when it is not there (never makes a new root). */
    public static Organisation existingOrganisation(Path dir, String name) {
        if (!Files.exists(dir.resolve("ca.key.pem")) || !Files.exists(dir.resolve("ca.crt.pem"))) {
            throw new IllegalStateException("no CA (ca.key.pem, ca.crt.pem) in " + dir);
        }
        return organisation(dir, name);
    }

    /**
     * Writes {@code content} to {@code file}; a file already there is kept beside it, renamed with the time of the
     * change.
     */
    public static void replace(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".replaced-" + System.currentTimeMillis()));
            }
            writeAtomically(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Gives a gateway what it lacks of its TLS key store, trust store, signing key and signing certificate; keeps
     * every file that exists. A signing certificate for another key than the gateway's is replaced.
     *
     * @param backups hex SHA-256 of the signing certificates of the gateway's authorised backups
     */
    public static void provision(Organisation own, X509Certificate peerRoot, Path dataDir, String gatewayId,
            List<String> hosts, char[] password, List<String> backups) {
        try {
            Files.createDirectories(dataDir);
            Path tls = dataDir.resolve(TLS_KEY_STORE);
            if (!Files.exists(tls)) {
                KeyPair pair = Certificates.newEcKeyPair();
                X509Certificate cert = own.issueTls(gatewayId, pair.getPublic(), hosts);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry(TLS_ALIAS, pair.getPrivate(), password, new Certificate[] {cert, own.root()});
                store(ks, tls, password);
            }
            Path trust = dataDir.resolve(TRUST_STORE);
            if (!Files.exists(trust)) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                ts.setCertificateEntry(PEER_ROOT_ALIAS, peerRoot);
                store(ts, trust, password);
            }
            Path ownRoot = dataDir.resolve(OWN_ROOT);
            if (!Files.exists(ownRoot)) {
                writeAtomically(ownRoot, Certificates.toPem(own.root()));
            }
            GatewayKeyPair signing = KeyFiles.loadOrCreate(dataDir, "gateway");
            Path signingCert = dataDir.resolve(SIGNING_CERTIFICATE);
            Optional<X509Certificate> current = Files.exists(signingCert)
                    ? Certificates.fromPem(Files.readString(signingCert)).stream().findFirst()
                    : Optional.empty();
            if (current.flatMap(Certificates::signingKey).filter(signing.publicJwk()::equals).isEmpty()) {
                writeAtomically(signingCert, Certificates.toPem(own.issueSigning(gatewayId, signing, backups)));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot provision the keys and certificates of " + gatewayId + " in " + dataDir, e);
        }
    }

    /** Loads a PKCS12 key store. */
    public static KeyStore load(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The trusted certificates of a trust store. */
    public static List<X509Certificate> trustedRoots(KeyStore trust) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (String alias : Collections.list(trust.aliases())) {
                if (trust.isCertificateEntry(alias) && trust.getCertificate(alias) instanceof X509Certificate c) {
                    out.add(c);
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the trust store", e);
        }
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) {
        try {
            List<X509Certificate> certs = Certificates.fromPem(Files.readString(file));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return certs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the certificate " + file, e);
        }
    }

    private static void store(KeyStore ks, Path file, char[] password) throws IOException, GeneralSecurityException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes a secret file readable by its owner only, atomically; it must not exist yet. */
    public static void writeSecret(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Replaces a file's content atomically. */
    static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
