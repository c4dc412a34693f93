package org.satpgateway.ejb.console;

import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.config.GatewaySettings;
import org.satpgateway.ejb.identity.GatewayIdentity;
import org.satpgateway.ejb.ledger.GatewayLedger;
import org.satpgateway.ejb.outbound.PeerHttpChannel;
import org.satpgateway.ejb.recovery.RecoveryCoordinator;

/**
 * The gateway as an operator sees it, for the admin API and page, the MBeans, health and metrics alike: whether each
 * dependency answers (log database, broker, ledger, start-up recovery), the sessions by state and step, the
 * counterpart (reachable, TLS, certificates and their expiry, keys) and the lease. A dependency that does not answer
 * within {@link #CHECK_TIMEOUT} is down; answers are kept {@link #FRESH} so that scrapes and pages do not hammer
 * the dependencies.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class GatewayStatus {
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);
    static final Duration FRESH = Duration.ofSeconds(2);
    /** The dependency checks, in the order they are shown. */
    public static final List<String> DEPENDENCIES = List.of("log-database", "broker", "ledger", "recovery");

    @Resource(lookup = "jdbc/satpLog")
    private DataSource log;

    @Resource
    private ManagedExecutorService executor;

    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayIdentity identity;

    @EJB
    private GatewayLedger ledger;

    @EJB
    private RecoveryCoordinator recovery;

    @EJB
    private DeadLetters deadLetters;

    @EJB
    private PeerHttpChannel channel;

    @EJB
    private IntakeGate gate;

    private final Map<String, Check> kept = new ConcurrentHashMap<>();
    private volatile Counts counts;
    private volatile Instant peerProbedAt = Instant.EPOCH;
    private volatile Boolean peerAnswers;

    /** One dependency: up or down, and what it said. */
    public record Check(String name, boolean up, String detail, Instant at) {}

    /** Sessions by role and state, and unfinished ones by state and step; the dead letters. */
    public record Counts(Map<String, Long> byRoleAndState, Map<String, Long> inFlightByStateAndStep, long inFlight,
            long completed, long rolledBack, long failed, int deadLetters, Instant at) {}

    /** A certificate an operator watches: what it is, its subject, when it expires and the whole days left. */
    public record CertificateView(String name, String subject, Instant notAfter, long daysLeft) {}

    /** The counterpart as this gateway knows it. */
    public record Peer(String gatewayId, List<String> endpoints, Boolean reachable, Instant lastDelivered,
            Instant failingSince, String lastFailure, PeerHttpChannel.TlsStatus tls, List<CertificateView> certificates,
            List<Map<String, String>> keys) {}

    /** The lease of a primary-backup organisation; mode {@code self-healing} when there is none. */
    public record Lease(String mode, String instance, Long epoch) {}

    /** Every dependency check, each at most {@link #FRESH} old. */
    public List<Check> checks() {
        List<Check> out = new ArrayList<>();
        for (String name : DEPENDENCIES) {
            out.add(check(name));
        }
        return out;
    }

    /** One dependency check by name (see {@link #DEPENDENCIES}). */
    public Check check(String name) {
        Check c = kept.get(name);
        Instant now = Instant.now();
        if (c != null && c.at().plus(FRESH).isAfter(now)) {
            return c;
        }
        Check fresh = switch (name) {
            case "log-database" -> probe(name, () -> {
                try (Connection conn = log.getConnection()) {
                    if (!conn.isValid((int) CHECK_TIMEOUT.toSeconds())) {
                        throw new IllegalStateException("the connection is not valid");
                    }
                    return conn.getMetaData().getDatabaseProductName() + " answers";
                }
            });
            case "broker" -> probe(name, () -> deadLetters.count() + " dead letter(s)");
            case "ledger" -> probe(name, () -> config.settings().networkId() + " (" + config.settings().ledgerKind()
                    + ") answers; total supply " + ledger.connector().totalSupply());
            case "recovery" -> new Check(name, recovery.ready(), recovery.state(), now);
            default -> throw new IllegalArgumentException("no check " + name);
        };
        kept.put(name, fresh);
        return fresh;
    }

    private Check probe(String name, Callable<String> work) {
        Instant now = Instant.now();
        Future<String> f = executor.submit(work);
        try {
            return new Check(name, true, f.get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), now);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            return new Check(name, false, "no answer within " + CHECK_TIMEOUT.toSeconds() + " s", now);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Check(name, false, String.valueOf(cause.getMessage() == null ? cause : cause.getMessage()), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(name, false, "interrupted", now);
        }
    }

    /** The sessions by role and state and the unfinished ones by state and step (from the log's session index). */
    public Counts counts() {
        Counts c = counts;
        if (c != null && c.at().plus(FRESH).isAfter(Instant.now())) {
            return c;
        }
        Map<String, Long> byRoleAndState = new LinkedHashMap<>();
        Map<String, Long> inFlight = new LinkedHashMap<>();
        try (Connection conn = log.getConnection()) {
            try (PreparedStatement s = conn.prepareStatement(
                    "SELECT ROLE, STATUS, COUNT(*) FROM SATP_SESSION GROUP BY ROLE, STATUS"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    byRoleAndState.put(r.getString(1) + "/" + r.getString(2), r.getLong(3));
                }
            }
            try (PreparedStatement s = conn.prepareStatement("SELECT STATUS, STEP, COUNT(*) FROM SATP_SESSION WHERE STATUS"
                    + " IN ('ACTIVE', 'ROLLING_BACK') GROUP BY STATUS, STEP"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inFlight.put(r.getString(1) + "/" + r.getString(2), r.getLong(3));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot count the sessions: " + e.getMessage(), e);
        }
        int dead;
        try {
            dead = check("broker").up() ? deadLetters.count() : -1;
        } catch (RuntimeException e) {
            dead = -1;
        }
        c = new Counts(Collections.unmodifiableMap(byRoleAndState), Collections.unmodifiableMap(inFlight),
                sum(byRoleAndState, "ACTIVE") + sum(byRoleAndState, "ROLLING_BACK"), sum(byRoleAndState, "COMPLETED"),
                sum(byRoleAndState, "ROLLED_BACK"), sum(byRoleAndState, "ABORTED") + sum(byRoleAndState, "REJECTED"),
                dead, Instant.now());
        counts = c;
        return c;
    }

    private static long sum(Map<String, Long> byRoleAndState, String state) {
        return byRoleAndState.entrySet().stream().filter(e -> e.getKey().endsWith("/" + state)).mapToLong(Map.Entry::getValue).sum();
    }

    /** The counterpart: reachability (a TCP connection to its endpoint, at most every 10 s), TLS, certificates, keys. */
    public Peer peer() {
        GatewaySettings s = config.settings();
        PeerHttpChannel.Reachability r = channel.reachability();
        List<CertificateView> certificates = new ArrayList<>();
        ownTlsCertificate(s).ifPresent(certificates::add);
        String own = identity.ownCertificate();
        if (own != null) {
            Certificates.fromPem(own).stream().findFirst().ifPresent(c -> certificates.add(view("own signing certificate", c)));
        }
        PublicJwk peerKey = identity.peerKey();
        if (peerKey != null) {
            identity.peerCertificates().certificateOf(peerKey)
                    .ifPresent(c -> certificates.add(view("counterpart's signing certificate", c)));
        }
        if (r.peerCertificateNotAfter() != null) {
            certificates.add(new CertificateView("counterpart's TLS certificate", null, r.peerCertificateNotAfter(),
                    daysLeft(r.peerCertificateNotAfter())));
        }
        List<Map<String, String>> keys = new ArrayList<>();
        keys.add(key("own signing key", identity.publicKey()));
        if (peerKey != null) {
            keys.add(key("counterpart's signing key", peerKey));
        }
        return new Peer(s.peerGatewayId(), s.peerEndpoints().stream().map(URI::toString).toList(), peerAnswers(s),
                r.lastDelivered(), r.failingSince(), r.lastFailure(), channel.tlsStatus(), certificates, keys);
    }

    private Boolean peerAnswers(GatewaySettings s) {
        if (peerProbedAt.plusSeconds(10).isAfter(Instant.now())) {
            return peerAnswers;
        }
        boolean any = false;
        for (URI endpoint : s.peerEndpoints()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort() < 0 ? 443 : endpoint.getPort()), 1000);
                any = true;
                break;
            } catch (java.io.IOException | RuntimeException notNow) {
                // the next endpoint
            }
        }
        peerAnswers = any;
        peerProbedAt = Instant.now();
        return any;
    }

    private static Map<String, String> key(String name, PublicJwk jwk) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        if (jwk != null) {
            m.put("algorithm", "P-256".equals(jwk.curve()) ? "ES256" : "secp256k1".equals(jwk.curve()) ? "ES256K" : jwk.curve());
            m.put("x", jwk.members().get("x"));
        }
        return m;
    }

    /**
     * The TLS key store's certificate, read again only when the file changes (opening a PKCS#12 store derives its
     * keys: far too slow for every scrape and page refresh).
     */
    private java.util.Optional<CertificateView> ownTlsCertificate(GatewaySettings s) {
        try {
            long modified = Files.getLastModifiedTime(s.tls().keyStore()).toMillis();
            TlsKept k = tlsKept;
            if (k == null || k.modified() != modified) {
                k = new TlsKept(modified, readTlsCertificate(s));
                tlsKept = k;
            }
            return k.view().map(v -> new CertificateView(v.name(), v.subject(), v.notAfter(), daysLeft(v.notAfter())));
        } catch (java.io.IOException unreadable) {
            return java.util.Optional.empty();
        }
    }

    private record TlsKept(long modified, java.util.Optional<CertificateView> view) {}

    private volatile TlsKept tlsKept;

    private static java.util.Optional<CertificateView> readTlsCertificate(GatewaySettings s) {
        try (InputStream in = Files.newInputStream(s.tls().keyStore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, s.tls().keyStorePassword());
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.getCertificate(alias) instanceof X509Certificate c) {
                    return java.util.Optional.of(view("own TLS certificate", c));
                }
            }
        } catch (Exception unreadable) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    private static CertificateView view(String name, X509Certificate c) {
        Instant notAfter = c.getNotAfter().toInstant();
        return new CertificateView(name, Certificates.subject(c), notAfter, daysLeft(notAfter));
    }

    private static long daysLeft(Instant notAfter) {
        return Duration.between(Instant.now(), notAfter).toDays();
    }

    /** The lease this instance holds, or self-healing. */
    public Lease lease() {
        return config.settings().lease().map(l -> new Lease("primary-backup", l.instance(), l.epoch()))
                .orElse(new Lease("self-healing", null, null));
    }

    /** The ledger network this gateway serves. */
    public String networkId() {
        return config.settings().networkId();
    }

    /** This gateway's id. */
    public String gatewayId() {
        return config.settings().gatewayId();
    }

    /** Intake of back-office jobs. */
    public IntakeGate.State intake() {
        return gate.state();
    }
}
