package org.satpgateway.ejb.outbound;

import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import java.util.logging.Logger;
import org.satpgateway.ejb.config.GatewayConfig;

/**
 * HTTPS with mutual TLS 1.3 to the counterpart's {@code POST /satp/v1/messages} ({@link PeerTls}). Keeps the TLS
 * sessions of the latest deliveries for operators and tests ({@code GET /api/v1/admin/peer-tls}).
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PeerHttpChannel {
    private static final Logger LOG = Logger.getLogger(PeerHttpChannel.class.getName());
    /** The header that carries a delivery's key; the counterpart drops a repeat of it. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final int SESSIONS_KEPT = 16;
    private static final Duration RENEW_QUIET = Duration.ofSeconds(10);

    private volatile HttpClient http;
    private volatile Instant clientCreated;
    private final Deque<TlsSessionView> sessions = new ArrayDeque<>();
    private final AtomicLong fullHandshakes = new AtomicLong();
    private volatile Instant lastFullHandshake;
    private volatile int preferred;
    private volatile Instant lastDelivered;
    private volatile Instant failingSince;
    private volatile String lastFailure;
    private volatile Instant peerCertificateNotAfter;

    @EJB
    private GatewayConfig config;

    /**
     * Delivers one message. Returns when the counterpart accepted it (202) or refused it at its door (4xx, logged);
     * throws when it could not be reached or failed (5xx), so that the broker redelivers. The counterpart may have
     * several endpoints (a primary and its backups, {@code gateway.peer.endpoint} as a list): the one that took the
     * last message is tried first, then the others in order, so a message finds whichever holds the role now.
     */
    public void deliver(String wire, String deliveryKey) {
        List<URI> endpoints = config.settings().peerEndpoints();
        HttpClient client = client();
        int first = preferred;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (first + i) % endpoints.size();
            URI endpoint = endpoints.get(index);
            if (!"https".equals(endpoint.getScheme())) {
                failures.add(endpoint + " is not https: messages go to peers only over mutual TLS");
                continue;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(wire));
            if (deliveryKey != null) {
                request.header(IDEMPOTENCY_KEY, deliveryKey);
            }
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                failures.add(endpoint + ": " + e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerUnreachableException("interrupted while delivering", e);
            }
            response.sslSession().ifPresent(this::seen);
            int status = response.statusCode();
            if (status >= 500 || status == 429 || status == 404 && !response.body().contains("urn:ietf:params:satp")) {
                failures.add(endpoint + " answered " + status + ": " + response.body());
                continue;
            }
            if (index != preferred) {
                preferred = index;
                LOG.info(() -> "the counterpart answers at " + endpoint + " now");
            }
            if (status >= 400) {
                LOG.warning(() -> "the counterpart refused a message (" + status + "): " + response.body());
            }
            lastDelivered = Instant.now();
            failingSince = null;
            return;
        }
        if (failingSince == null) {
            failingSince = Instant.now();
        }
        lastFailure = String.join("; ", failures);
        throw new PeerUnreachableException(String.join("; ", failures));
    }

    /**
     * Drops the client and its TLS sessions: the next delivery opens a new connection with a full handshake. Called
     * when recovery starts on either side, so that no TLS session from before a crash is resumed. A client made in
     * the last {@code RENEW_QUIET} is kept: recovery of many sessions renews once.
     */
    public void renewTls(String reason) {
        synchronized (this) {
            if (http != null && clientCreated.isBefore(Instant.now().minus(RENEW_QUIET))) {
                http = null;
                LOG.info(() -> "new TLS sessions to the counterpart from now on: " + reason);
            }
        }
    }

    /**
     * How the deliveries to the counterpart go: when the last one was taken, since when they fail (null while they
     * do not) and the last failure, and when the counterpart's TLS certificate expires (null before a connection).
     */
    public record Reachability(Instant lastDelivered, Instant failingSince, String lastFailure,
            Instant peerCertificateNotAfter) {}

    public Reachability reachability() {
        return new Reachability(lastDelivered, failingSince, failingSince == null ? null : lastFailure,
                peerCertificateNotAfter);
    }

    /** The TLS state of the deliveries to the counterpart. */
    public TlsStatus tlsStatus() {
        synchronized (sessions) {
            return new TlsStatus(clientCreated, fullHandshakes.get(), lastFullHandshake, List.copyOf(sessions));
        }
    }

    /**
     * The TLS state towards the counterpart, as an operator or a test sees it.
     *
     * @param clientCreated when the current client (and its session cache) was made
     * @param fullHandshakes full handshakes since start-up (a resumed TLS 1.3 session does not count)
     * @param connections the latest connections, newest first
     */
    public record TlsStatus(Instant clientCreated, long fullHandshakes, Instant lastFullHandshake,
            List<TlsSessionView> connections) {}

    /**
     * One connection's TLS session. {@code created} is when the session was first set up: a resumed session keeps
     * the time of the full handshake it resumes. (TLS 1.3 gives every connection a new session id.)
     */
    public record TlsSessionView(String id, String protocol, String cipherSuite, Instant created, String peer) {}

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                c = http;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                            .version(HttpClient.Version.HTTP_1_1)
                            .sslContext(PeerTls.newContext(config.settings().tls(), chain -> {
                                fullHandshakes.incrementAndGet();
                                lastFullHandshake = Instant.now();
                            }))
                            .sslParameters(PeerTls.parameters())
                            .build();
                    clientCreated = Instant.now();
                    http = c;
                }
            }
        }
        return c;
    }

    private void seen(SSLSession s) {
        String id = HexFormat.of().formatHex(s.getId());
        synchronized (sessions) {
            if (!sessions.isEmpty() && sessions.peekFirst().id().equals(id)) {
                return;
            }
            sessions.removeIf(v -> v.id().equals(id));
            String peer;
            try {
                peer = s.getPeerPrincipal().getName();
                if (s.getPeerCertificates()[0] instanceof java.security.cert.X509Certificate x) {
                    peerCertificateNotAfter = x.getNotAfter().toInstant();
                }
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                peer = "unverified";
            }
            sessions.addFirst(new TlsSessionView(id, s.getProtocol(), s.getCipherSuite(),
                    Instant.ofEpochMilli(s.getCreationTime()), peer));
            while (sessions.size() > SESSIONS_KEPT) {
                sessions.removeLast();
            }
        }
    }

    /** The counterpart could not take a message now; the broker will redeliver it. */
    public static final class PeerUnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PeerUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }

        PeerUnreachableException(String message) {
            super(message);
        }
    }
}
