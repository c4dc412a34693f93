package org.satpgateway.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.satpgateway.ejb.access.Roles;
import org.satpgateway.ejb.failure.StepFailures;
import org.satpgateway.ejb.outbound.PeerHttpChannel;

/**
 * Operators' view of what went wrong: {@code GET /api/v1/admin/step-failures} lists failed deliveries (rolled back
 * and redelivered; after the broker's attempts, in the dead-letter queue) with their reasons;
 * {@code GET /api/v1/admin/peer-tls} the TLS sessions to the counterpart.
 */
@Path("api/v1/admin")
@RequestScoped
@RolesAllowed(Roles.OPERATOR)
public class AdminResource {
    @EJB
    private StepFailures failures;

    @EJB
    private PeerHttpChannel channel;

    /**
     * The TLS state of this gateway's deliveries to the counterpart: when its client (and session cache) was made,
     * how many full handshakes it made and when the last one was, and the latest connections, newest first (session
     * id, protocol, cipher suite, when the session was set up, the counterpart's certificate subject).
     */
    @GET
    @Path("peer-tls")
    @Produces(MediaType.APPLICATION_JSON)
    public Response peerTls() {
        PeerHttpChannel.TlsStatus t = channel.tlsStatus();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientCreated", t.clientCreated() == null ? null : t.clientCreated().toString());
        body.put("fullHandshakes", t.fullHandshakes());
        body.put("lastFullHandshake", t.lastFullHandshake() == null ? null : t.lastFullHandshake().toString());
        body.put("connections", t.connections().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionId", c.id());
            m.put("protocol", c.protocol());
            m.put("cipherSuite", c.cipherSuite());
            m.put("sessionCreated", c.created().toString());
            m.put("peer", c.peer());
            return m;
        }).toList());
        return Response.ok(Problems.json(body)).build();
    }

    @GET
    @Path("step-failures")
    @Produces(MediaType.APPLICATION_JSON)
    public Response stepFailures(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            return Problems.of(400, "Bad limit", "limit must be between 1 and 1000");
        }
        List<Map<String, Object>> body = failures.latest(limit).stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("messageId", f.messageId());
            m.put("queue", f.queue());
            m.put("sessionId", f.sessionId());
            m.put("messageType", f.messageType());
            m.put("deliveryCount", f.deliveryCount());
            m.put("failedAt", Instant.ofEpochMilli(f.failedAtMillis()).toString());
            m.put("reason", f.reason());
            return m;
        }).toList();
        return Response.ok(Problems.json(body)).build();
    }
}
