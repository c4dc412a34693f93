package org.satpgateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's public interfaces, as a back office and an operator call them: transfers and the ledger, with the
 * caller's bearer token (none: an anonymous caller, which the gateway answers 401 wherever a role is needed).
 */
public final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * HTTP/1.1, one connection per request under way. (The client's default, HTTP/2, upgrades the cleartext
     * connection, and under 128 concurrent requests the server's GOAWAY on that one connection failed them all.)
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final URI base;
    private final String token;

    /** An anonymous client. */
    public GatewayClient(URI base) {
        this(base, null);
    }

    public GatewayClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The same gateway, called with another token (null: anonymous). */
    public GatewayClient as(String otherToken) {
        return new GatewayClient(base, otherToken);
    }

    public URI base() {
        return base;
    }

    /** An HTTP answer: status and JSON body (null when empty). */
    public record Answer(int status, JsonNode body, String location, int retryAfterSeconds) {
        public Answer(int status, JsonNode body, String location) {
            this(status, body, location, 0);
        }

        public boolean ok() {
            return status / 100 == 2;
        }
    }

    /** True when the gateway's application answers and is ready ({@code /health/ready}: start-up recovery has run). */
    public boolean ready() {
        try {
            return answering() && get("health/ready").status() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * True once the application answers on the back-office listener, ready or not (during a restart the listener
     * stays closed until the application is loaded).
     */
    public boolean answering() {
        try {
            return get("api/v1/version").status() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** {@code POST /api/v1/transfers}. */
    public Answer submit(Map<String, Object> job) throws IOException {
        return post("api/v1/transfers", job);
    }

    /** {@code GET /api/v1/transfers/{id}}; empty when the gateway does not know it. */
    public Optional<JsonNode> transfer(String id) throws IOException {
        Answer a = get("api/v1/transfers/" + id);
        return a.status() == 200 ? Optional.of(a.body()) : Optional.empty();
    }

    /** {@code GET /api/v1/transfers?state=...}. */
    public JsonNode transfers(String state) throws IOException {
        return get("api/v1/transfers?limit=1000" + (state == null ? "" : "&state=" + state)).body();
    }

    /** {@code POST /api/v1/ledger/assets}: issues an asset on the gateway's reference ledger. */
    public Answer issue(String assetId, String owner, long amount) throws IOException {
        return post("api/v1/ledger/assets", Map.of("assetId", assetId, "owner", owner, "amount", amount));
    }

    /**
     * Issues an asset the way a patient caller does: a 503 (the ledger busy or down) is asked again after its
     * Retry-After, for up to {@code patience}; a 409 on a later attempt is the earlier attempt's asset when the ledger
     * shows it with this owner and amount, and then answers as 201 with that asset.
     */
    public Answer issueRetrying(String assetId, String owner, long amount, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean retried = false;
        while (true) {
            Answer a = issue(assetId, owner, amount);
            if (retried && a.status() == 409) {
                Optional<JsonNode> held = asset(assetId);
                if (held.isPresent() && owner.equals(held.get().path("owner").asText())
                        && held.get().path("amount").asLong() == amount) {
                    return new Answer(201, held.get(), null);
                }
            }
            if (a.status() != 503 || System.nanoTime() > deadline) {
                return a;
            }
            retried = true;
            try {
                Thread.sleep(1000L * Math.max(1, Math.min(10, a.retryAfterSeconds())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** {@code GET /api/v1/ledger/assets/{id}}; empty when the ledger has no such asset. */
    public Optional<JsonNode> asset(String assetId) throws IOException {
        Answer a = get("api/v1/ledger/assets/" + assetId);
        return a.status() == 200 ? Optional.of(a.body()) : Optional.empty();
    }

    /** {@code GET /api/v1/ledger/supply}. */
    public long totalSupply() throws IOException {
        return get("api/v1/ledger/supply").body().path("totalSupply").asLong();
    }

    /** {@code POST /satp/v1/messages} with a message exactly as given, as a peer gateway delivers it. */
    public Answer deliver(String wire, String idempotencyKey) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve("satp/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(wire)).build());
    }

    public Answer get(String path) throws IOException {
        return send(request(path).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public Answer post(String path, Object body) throws IOException {
        return send(request(path).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    /** A POST of raw bytes, with the content type given (none when null): for probing the door. */
    public Answer postRaw(String path, String contentType, byte[] body) throws IOException {
        HttpRequest.Builder b = request(path).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? null : parse(r.body());
            int retryAfter = r.headers().firstValue("Retry-After").filter(v -> v.matches("\\d{1,4}")).map(Integer::parseInt).orElse(0);
            return new Answer(r.statusCode(), body, r.headers().firstValue("Location").orElse(null), retryAfter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
