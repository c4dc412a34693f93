package org.satpgateway.ejb.config;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.h2.jdbcx.JdbcConnectionPool;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.PeerCertificates;
import org.satpgateway.core.crypto.PublicKeys;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.message.NetworkCapabilities;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.session.ClientStateMachine;
import org.satpgateway.core.session.RecoveryPlanner;
import org.satpgateway.core.session.Role;
import org.satpgateway.core.session.ServerStateMachine;
import org.satpgateway.core.session.Session;
import org.satpgateway.core.session.SessionLog;
import org.satpgateway.core.session.SessionMachine;
import org.satpgateway.core.session.SessionPolicy;
import org.satpgateway.core.session.TransferOrder;
import org.satpgateway.ejb.step.ReplayCache;
import org.satpgateway.ledger.ReferenceLedger;

/**
 * The gateway's immutable parts, built once at start-up: settings, signing key, codec, the two state machines and
 * their recovery planners, the counterpart's identity and the ledger connector. Read-only after construction, so
 * calls need no container lock.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class GatewayContext {
    private static final Logger LOG = Logger.getLogger(GatewayContext.class.getName());

    private GatewaySettings settings;
    private MessageCodec codec;
    private SessionLog sessionLog;
    private final ReplayCache<Session> replayCache = new ReplayCache<>(10_000);
    private GatewayKeyPair key;
    private ClientStateMachine client;
    private ServerStateMachine server;
    private RecoveryPlanner clientPlanner;
    private RecoveryPlanner serverPlanner;
    private JdbcConnectionPool ledgerPool;
    private ReferenceLedger ledger;
    private volatile PublicJwk peerKey;
    private PeerCertificates peerCertificates;
    private volatile String peerKeyProblem;
    private final Clock clock = Clock.systemUTC();

    @PostConstruct
    void start() {
        settings = GatewaySettings.from(ConfigProvider.getConfig());
        codec = new MessageCodec();
        sessionLog = new SessionLog(codec);
        key = KeyFiles.loadOrCreate(settings.dataDir(), "gateway");
        peerCertificates = new PeerCertificates(Files.exists(settings.tls().trustStore())
                ? PkiFiles.trustedRoots(PkiFiles.load(settings.tls().trustStore(), settings.tls().trustStorePassword()))
                : List.of(), clock);
        SessionPolicy policy = new SessionPolicy(settings.gatewayId(), settings.networkId(), settings.ownerId(),
                List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES256K), settings.assetProfiles(),
                Set.of(NetworkCapabilities.LockType.TIME_LOCK), settings.lockExpiration(), settings.retryBase());
        MessageSigner signer = new MessageSigner(codec, key);
        client = new ClientStateMachine(signer, new SessionLog(codec), policy);
        server = new ServerStateMachine(signer, new SessionLog(codec), policy,
                (gatewayId, jwk) -> gatewayId.equals(settings.peerGatewayId()) && jwk.equals(peerKey())
                        && peerCertificates.isTrusted(gatewayId, jwk));
        clientPlanner = new RecoveryPlanner(client);
        serverPlanner = new RecoveryPlanner(server);
        ledgerPool = JdbcConnectionPool.create(settings.ledgerUrl(), "sa", "sa");
        ledgerPool.setMaxConnections(32);
        ledger = new ReferenceLedger(ledgerPool, settings.networkId(),
                KeyFiles.loadOrCreate(settings.dataDir(), "ledger"), codec, clock).createSchema();
        LOG.info(() -> "gateway " + settings.gatewayId() + " (network " + settings.networkId() + ") key "
                + key.keyId() + ", counterpart " + settings.peerGatewayId() + " at " + settings.peerEndpoint());
    }

    @PreDestroy
    void stop() {
        if (ledgerPool != null) {
            ledgerPool.dispose();
        }
    }

    public GatewaySettings settings() {
        return settings;
    }

    public MessageCodec codec() {
        return codec;
    }

    /** Sessions rebuilt by earlier steps (see {@link ReplayCache}). */
    public ReplayCache<Session> replayCache() {
        return replayCache;
    }

    public SessionLog sessionLog() {
        return sessionLog;
    }

    public Clock clock() {
        return clock;
    }

    public ClientStateMachine client() {
        return client;
    }

    public ServerStateMachine server() {
        return server;
    }

    public SessionMachine machine(Role role) {
        return role == Role.CLIENT ? client : server;
    }

    public RecoveryPlanner planner(Role role) {
        return role == Role.CLIENT ? clientPlanner : serverPlanner;
    }

    public LedgerConnector ledgerConnector() {
        return ledger;
    }

    public ReferenceLedger referenceLedger() {
        return ledger;
    }

    public PublicJwk publicKey() {
        return key.publicJwk();
    }

    /**
     * The counterpart's signing key: the key of its signing certificate ({@code gateway.peer.certificate-file}),
     * once that certificate is found issued by a root of the trust store for the counterpart's gateway id. Read on
     * first use (the counterpart may start after this gateway); null while there is no such certificate, and
     * messages are then refused as not authorised.
     */
    public PublicJwk peerKey() {
        PublicJwk k = peerKey;
        if (k == null && Files.exists(settings.peerCertificateFile())) {
            String problem;
            try {
                X509Certificate cert = PkiFiles.readCertificate(settings.peerCertificateFile());
                problem = peerCertificates.add(cert).orElse(null);
                if (problem == null && !Certificates.commonName(cert).equals(settings.peerGatewayId())) {
                    problem = "it is the certificate of " + Certificates.commonName(cert) + ", not of " + settings.peerGatewayId();
                }
                if (problem == null) {
                    k = Certificates.signingKey(cert).orElseThrow();
                    peerKey = k;
                    LOG.info("counterpart " + settings.peerGatewayId() + " signs with key "
                            + PublicKeys.parse(k).map(PublicKeys.Key::keyId).orElse("?") + ", certified by "
                            + Certificates.issuer(cert));
                }
            } catch (RuntimeException e) {
                problem = e.getMessage();
            }
            if (problem != null && !problem.equals(peerKeyProblem)) {
                LOG.severe("the counterpart's signing certificate " + settings.peerCertificateFile()
                        + " is not trusted: " + problem);
            }
            peerKeyProblem = problem;
        }
        return k;
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
