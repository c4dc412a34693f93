package org.satpgateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.util.concurrent.atomic.AtomicInteger;
import org.satpgateway.ejb.config.PkiFiles;
import org.satpgateway.ejb.outbound.PeerTls;

/**
 * A client of a gateway's peer endpoint that presents a gateway's TLS certificate, as a counterpart gateway does:
 * for tests that deliver hand-made messages and check the TLS layer.
 */
public final class PeerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final HttpClient http;

    public PeerClient(URI endpoint, SSLContext context, String... protocols) {
        this.endpoint = endpoint;
        SSLParameters p = new SSLParameters();
        p.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3"} : protocols);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
                .sslContext(context).sslParameters(p).build();
    }

    /** A client that presents {@code as}'s TLS certificate to {@code to}'s peer endpoint. */
    public static PeerClient as(GatewayNode as, GatewayNode to) {
        return new PeerClient(to.peerEndpoint(), context(as));
    }

    /** The TLS context of a gateway's key store and trust store (embedded default file names and password). */
    public static SSLContext context(GatewayNode g) {
        char[] pw = g.settings().get("gateway.tls.key-store-password").toCharArray();
        return context(g.dataDir().resolve(PkiFiles.TLS_KEY_STORE), g.dataDir().resolve(PkiFiles.TRUST_STORE), pw, "TLSv1.3");
    }

    /**
     * A gateway's TLS context, as the gateway itself makes it ({@link PeerTls}), that counts full handshakes (a
     * resumed TLS 1.3 session is not counted).
     */
    public static SSLContext countingContext(GatewayNode g, AtomicInteger fullHandshakes) {
        char[] pw = g.settings().get("gateway.tls.key-store-password").toCharArray();
        return PeerTls.context(g.dataDir().resolve(PkiFiles.TLS_KEY_STORE), pw, g.dataDir().resolve(PkiFiles.TRUST_STORE),
                pw, PeerTls.PROTOCOL, chain -> fullHandshakes.incrementAndGet());
    }

    /** A TLS context of the given key store (null: no client certificate) and trust store. */
    public static SSLContext context(Path keyStore, Path trustStore, char[] password, String protocol) {
        return PeerTls.context(keyStore, password, trustStore, password, protocol, chain -> { });
    }

    /** An answer of the peer endpoint, with the TLS session it came over. */
    public record Answer(int status, JsonNode body, SSLSession session) {}

    /** Delivers a message exactly as given. */
    public Answer deliver(String wire, String idempotencyKey) throws IOException {
        return send("POST", endpoint, wire, idempotencyKey);
    }

    /** {@code GET} of the endpoint itself, which the peer listener does not serve. */
    public Answer get() throws IOException {
        return send("GET", endpoint, null, null);
    }

    /** Any method and path on the peer listener (a body of JSON text for POST and PUT), as a probe would send. */
    public Answer call(String method, String path, String body) throws IOException {
        return send(method, endpoint.resolve(path), body, null);
    }

    private Answer send(String method, URI uri, String body, String idempotencyKey) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            r.header("Idempotency-Key", idempotencyKey);
        }
        try {
            HttpResponse<String> a = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = a.body() == null || a.body().isBlank() ? null : JSON.readTree(a.body());
            } catch (IOException notJson) {
                json = JSON.getNodeFactory().textNode(a.body());
            }
            return new Answer(a.statusCode(), json, a.sslSession().orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Delivers a JSON value. */
    public Answer post(Object json) throws IOException {
        return deliver(json instanceof String s ? s : JSON.writeValueAsString(json), null);
    }
}
