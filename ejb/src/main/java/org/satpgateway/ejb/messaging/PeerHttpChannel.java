package org.satpgateway.ejb.messaging;

import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Logger;
import org.satpgateway.ejb.config.GatewayContext;

/** HTTP to the counterpart's {@code POST /satp/v1/messages}. */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PeerHttpChannel {
    private static final Logger LOG = Logger.getLogger(PeerHttpChannel.class.getName());
    /** The header that carries a delivery's key; the counterpart drops a repeat of it. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @EJB
    private GatewayContext gateway;

    /**
     * Delivers one message. Returns when the counterpart accepted it (202) or refused it at its door (4xx, logged);
     * throws when it could not be reached or failed (5xx), so that the broker redelivers.
     */
    public void deliver(String wire, String deliveryKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.settings().peerEndpoint())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(wire));
        if (deliveryKey != null) {
            request.header(IDEMPOTENCY_KEY, deliveryKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PeerUnreachableException(gateway.settings().peerEndpoint() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnreachableException("interrupted while delivering", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429 || status == 404 && !response.body().contains("urn:ietf:params:satp")) {
            throw new PeerUnreachableException(gateway.settings().peerEndpoint() + " answered " + status + ": " + response.body());
        }
        if (status >= 400) {
            LOG.warning(() -> "the counterpart refused a message (" + status + "): " + response.body());
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
