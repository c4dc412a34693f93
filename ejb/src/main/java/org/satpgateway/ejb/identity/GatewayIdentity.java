package org.satpgateway.ejb.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.PeerCertificates;
import org.satpgateway.core.crypto.PublicKeys;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.port.TrustedPeers;
import org.satpgateway.core.session.Identity;
import org.satpgateway.core.session.TransferOrder;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.config.GatewaySettings;
import org.satpgateway.ejb.config.KeyFiles;
import org.satpgateway.ejb.config.PkiFiles;
import org.satpgateway.ejb.log.PeerKeyEntity;

/**
 * Who this gateway is and whom it trusts, built once at start-up: its signing key and certificate (certified at once
 * when the key is new and the organisation's CA is at hand, else awaited), and the counterpart's certificates and
 * keys (its signing certificate, and the keys decided on since, from the log database). The signing key never
 * leaves this bean: the state machines get a {@link MessageSigner} of it. Calls need no container lock.
 */
@Singleton
@Startup
@DependsOn("GatewayConfig")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class GatewayIdentity {
    private static final Logger LOG = Logger.getLogger(GatewayIdentity.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    @EJB
    private GatewayConfig config;

    private GatewaySettings settings;
    private GatewayKeyPair key;
    private boolean backup;
    private volatile boolean peerCertificateLoaded;
    private PeerCertificates peerCertificates;
    private volatile String peerKeyProblem;
    private volatile String ownCertificate;
    private volatile String identityPending;

    @PersistenceContext(unitName = "satpLog")
    private EntityManager em;

    @PostConstruct
    void start() {
        settings = config.settings();
        key = KeyFiles.loadOrCreate(settings.dataDir(), "gateway");
        certifyOwnKey();
        peerCertificates = new PeerCertificates(Files.exists(settings.tls().trustStore())
                ? PkiFiles.trustedRoots(PkiFiles.load(settings.tls().trustStore(), settings.tls().trustStorePassword()))
                : List.of(), settings.revocation(), config.clock());
        restorePeerKeys();
        // a backup's certificate names the backup instance, not the organisation's gateway id: it announces its key
        // as a backup's (isBackup) whenever it recovers sessions signed with another key
        backup = ownCertificate != null
                && !Certificates.commonName(Certificates.fromPem(ownCertificate).get(0)).equals(settings.gatewayId());
        LOG.info(() -> "gateway " + settings.gatewayId() + " (network " + settings.networkId() + ") key "
                + key.keyId() + ", counterpart " + settings.peerGatewayId() + " at " + settings.peerEndpoints());
    }

    /** Signs with this gateway's key, through {@code codec}. */
    public MessageSigner signer(MessageCodec codec) {
        return new MessageSigner(codec, key);
    }

    /** This gateway as its recovery planners announce it: its key, its certificate (once it has one), backup or not. */
    public Identity identity() {
        return new Identity(key.publicJwk(), this::ownCertificate, backup);
    }

    /**
     * Whom the server state machine takes a new session from: the counterpart's gateway id with a key its
     * certificates vouch for, once a key of the counterpart is trusted.
     */
    public TrustedPeers trustedPeers() {
        return (gatewayId, jwk) -> gatewayId.equals(settings.peerGatewayId()) && peerKey() != null
                && peerCertificates.isTrusted(gatewayId, jwk);
    }

    public PublicJwk publicKey() {
        return key.publicJwk();
    }

    /**
     * The key the counterpart signs new sessions with: the key of its signing certificate
     * ({@code gateway.peer.certificate-file}) once that certificate is found issued by a root of the trust store for
     * the counterpart's gateway id, or the key that replaced it later (a key loss, a backup's takeover). The file is
     * read on first use (the counterpart may start after this gateway); null while no key is trusted, and messages
     * are then refused as not authorised.
     */
    public PublicJwk peerKey() {
        if (!peerCertificateLoaded) {
            loadPeerCertificate();
        }
        return peerCertificates.current(settings.peerGatewayId()).orElse(null);
    }

    private synchronized void loadPeerCertificate() {
        if (peerCertificateLoaded || !Files.exists(settings.peerCertificateFile())) {
            return;
        }
        String problem;
        try {
            // the counterpart's signing certificate, with any intermediate CA certificates after it
            List<X509Certificate> chain = Certificates.fromPem(Files.readString(settings.peerCertificateFile()));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + settings.peerCertificateFile());
            }
            X509Certificate cert = chain.get(0);
            problem = Certificates.commonName(cert).equals(settings.peerGatewayId())
                    ? peerCertificates.add(chain).orElse(null)
                    : "it is the certificate of " + Certificates.commonName(cert) + ", not of " + settings.peerGatewayId();
            if (problem == null) {
                peerCertificateLoaded = true;
                LOG.info("counterpart " + settings.peerGatewayId() + " signs with key "
                        + Certificates.signingKey(cert).flatMap(PublicKeys::parse).map(PublicKeys.Key::keyId).orElse("?")
                        + ", certified by " + Certificates.issuer(cert));
            }
        } catch (java.io.IOException | RuntimeException e) {
            problem = e.getMessage();
        }
        if (problem != null && !problem.equals(peerKeyProblem)) {
            LOG.severe("the counterpart's signing certificate " + settings.peerCertificateFile()
                    + " is not trusted: " + problem);
        }
        peerKeyProblem = problem;
    }

    /** The counterpart's keys decided on earlier (accepted new keys, retired ones), from the log database. */
    private void restorePeerKeys() {
        for (PeerKeyEntity k : em.createQuery("SELECT k FROM PeerKeyEntity k", PeerKeyEntity.class).getResultList()) {
            try {
                PublicJwk jwk = JSON.readValue(k.jwk(), PublicJwk.class);
                List<X509Certificate> chain = Certificates.fromPem(k.certificate());
                peerCertificates.restore(jwk, new PeerCertificates.Entry(chain.get(0), chain.subList(1, chain.size()),
                        k.gatewayId(), k.retired(), Instant.ofEpochMilli(k.decidedAtMillis())));
                LOG.info(() -> "counterpart key " + k.keyId() + " of " + k.gatewayId() + (k.retired() ? ": retired" : ": active"));
            } catch (java.io.IOException | RuntimeException e) {
                LOG.severe("the stored counterpart key " + k.keyId() + " cannot be read: " + e);
            }
        }
    }

    /**
     * This gateway's signing certificate: the file at {@code gateway.signing-certificate} when it certifies the
     * current key. When the key is new (first start in production, or a lost key pair regenerated) and the
     * organisation's CA folder is configured ({@code gateway.pki.ca-dir}, the embedded default), a certificate is
     * issued at once, listing the same authorised backups as the one it replaces. Otherwise a signing request is
     * written beside it and the gateway waits for an operator to put the certificate there (docs/security.md).
     */
    private void certifyOwnKey() {
        Path file = settings.tls().signingCertificate();
        Optional<X509Certificate> current = readOwnCertificate(file);
        if (current.flatMap(Certificates::signingKey).filter(key.publicJwk()::equals).isPresent()) {
            ownCertificate = Certificates.toPem(current.get());
            return;
        }
        if (settings.caDir().isPresent()) {
            PkiFiles.Organisation ca = PkiFiles.existingOrganisation(settings.caDir().get(), settings.ownerId());
            X509Certificate cert = ca.issueSigning(settings.gatewayId(), key,
                    current.map(Certificates::authorisedBackups).orElse(List.of()));
            PkiFiles.replace(file, Certificates.toPem(cert));
            ownCertificate = Certificates.toPem(cert);
            LOG.warning(() -> "the signing key is new (" + key.keyId() + "): certified by " + Certificates.issuer(cert)
                    + (current.isPresent() ? "; the certificate of the previous key is kept beside it" : ""));
            return;
        }
        Path csr = file.resolveSibling(PkiFiles.SIGNING_REQUEST);
        PkiFiles.replace(csr, Certificates.signingRequest(settings.gatewayId(), settings.ownerId(), key));
        identityPending = "waiting for the certificate of the new signing key " + key.keyId() + ": have the organisation's"
                + " CA certify " + csr + " and put the certificate (PEM) at " + file;
        LOG.severe(identityPending);
    }

    private static Optional<X509Certificate> readOwnCertificate(Path file) {
        try {
            return Files.exists(file) ? Optional.of(PkiFiles.readCertificate(file)) : Optional.empty();
        } catch (RuntimeException unreadable) {
            LOG.warning("the signing certificate " + file + " cannot be read: " + unreadable.getMessage());
            return Optional.empty();
        }
    }

    /** This gateway's signing certificate (PEM); null while it waits for one. */
    public String ownCertificate() {
        identityPending();
        return ownCertificate;
    }

    /** Why the gateway cannot sign yet (it waits for the certificate of a new key); empty when it can. */
    public Optional<String> identityPending() {
        if (identityPending != null) {
            synchronized (this) {
                Optional<X509Certificate> cert = readOwnCertificate(settings.tls().signingCertificate());
                if (identityPending != null && cert.flatMap(Certificates::signingKey).filter(key.publicJwk()::equals).isPresent()) {
                    ownCertificate = Certificates.toPem(cert.get());
                    identityPending = null;
                    LOG.info(() -> "the signing key " + key.keyId() + " is certified by " + Certificates.issuer(cert.get()));
                }
            }
        }
        return Optional.ofNullable(identityPending);
    }

    /** The counterpart's certificates accepted so far. */
    public PeerCertificates peerCertificates() {
        return peerCertificates;
    }

    /** The counterpart as a transfer order names it; empty key until its key file exists. */
    public TransferOrder.Counterpart counterpart() {
        PublicJwk k = peerKey();
        if (k == null) {
            throw new IllegalStateException("no trusted signing certificate of the counterpart at "
                    + settings.peerCertificateFile() + (peerKeyProblem == null ? " yet" : ": " + peerKeyProblem));
        }
        return new TransferOrder.Counterpart(settings.peerGatewayId(), settings.peerNetworkId(), settings.peerOwnerId(), k);
    }
}
