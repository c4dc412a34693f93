package org.satpgateway.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.satpgateway.ejb.access.Roles;
import org.satpgateway.ejb.console.Alerts;
import org.satpgateway.ejb.console.DeadLetters;
import org.satpgateway.ejb.console.GatewayStatus;
import org.satpgateway.ejb.console.IntakeGate;
import org.satpgateway.ejb.console.OperatorConsole;
import org.satpgateway.ejb.console.SessionViews;
import org.satpgateway.ejb.failure.StepFailures;
import org.satpgateway.ejb.outbound.PeerHttpChannel;
import org.satpgateway.ejb.step.StepService;

/**
 * The operators' API ({@code /api/v1/admin/...}, operator role), which the admin page at {@code /admin/} uses: the
 * gateway at a glance, sessions and one session's timeline, dead letters, alerts; and the actions, each recorded with
 * the operator's name: pause and resume intake, retry a session, force its rollback, re-drive dead letters.
 */
@Path("api/v1/admin")
@RequestScoped
@RolesAllowed(Roles.OPERATOR)
@Tag(name = "operators", description = "the operator's console: what the gateway does, and the actions an operator may take")
public class AdminResource {
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> STATES = Set.of("ACTIVE", "ROLLING_BACK", "COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED");

    @EJB
    private StepFailures failures;

    @EJB
    private PeerHttpChannel channel;

    @EJB
    private GatewayStatus status;

    @EJB
    private OperatorConsole console;

    @EJB
    private SessionViews sessions;

    @EJB
    private DeadLetters deadLetters;

    @EJB
    private Alerts alerts;

    @Context
    private SecurityContext caller;

    // ---- the typed answers (also the OpenAPI document's schemas) ----------------------------------------------

    /** The gateway as a whole. */
    public record GatewayView(String network, String gatewayId, boolean ready, List<GatewayStatus.Check> checks,
            IntakeGate.State intake, CountsView counts) {}

    /** Sessions by outcome. */
    public record CountsView(long inFlight, long completed, long rolledBack, long failed, int deadLetters,
            Map<String, Long> byRoleAndState, Map<String, Long> inFlightByStateAndStep) {}

    /** {@code GET /api/v1/admin/overview}. */
    public record Overview(GatewayView gateway, GatewayStatus.Peer peer, GatewayStatus.Lease lease, List<Alerts.Alert> alerts) {}

    /** {@code GET /api/v1/admin/sessions/{id}}. */
    public record SessionDetail(SessionViews.SessionRow session, List<SessionViews.TimelineEntry> timeline) {}

    /** The answer to an action on a session. */
    public record ActionResult(String sessionId, String action, boolean done, String state, String detail) {}

    // ---- what operators see ------------------------------------------------------------------------------------

    @GET
    @Path("overview")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "the gateway at a glance: dependencies, intake, counts, counterpart, lease, alerts")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Overview.class)))
    public Response overview() {
        List<GatewayStatus.Check> checks = status.checks();
        GatewayStatus.Counts c = status.counts();
        var settings = status.peer();
        GatewayView g = new GatewayView(networkId(), gatewayId(), checks.stream().allMatch(GatewayStatus.Check::up), checks,
                status.intake(), new CountsView(c.inFlight(), c.completed(), c.rolledBack(), c.failed(), c.deadLetters(),
                        c.byRoleAndState(), c.inFlightByStateAndStep()));
        return ok(new Overview(g, settings, status.lease(), alerts.active()));
    }

    @GET
    @Path("sessions")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "sessions, latest first, filtered by state and by text in their ids")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SessionViews.SessionRow[].class)))
    public Response sessions(@QueryParam("state") String state, @QueryParam("q") String text,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        if (limit < 1 || limit > SessionViews.MAX) {
            return Problems.of(400, "Bad limit", "limit must be between 1 and " + SessionViews.MAX);
        }
        String s = state == null || state.isBlank() ? null : state.trim().toUpperCase();
        if (s != null && !STATES.contains(s)) {
            return Problems.of(400, "Bad state", "state is one of " + STATES);
        }
        String q = text == null || text.isBlank() ? null : text.trim();
        if (q != null && q.length() > 200) {
            return Problems.of(400, "Bad filter", "q is at most 200 characters");
        }
        return ok(sessions.sessions(s, q, limit));
    }

    @GET
    @Path("sessions/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "one session and its timeline: both gateways' steps, ledger actions, recoveries, errors, operators")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SessionDetail.class)))
    @APIResponse(responseCode = "404", description = "no such session on this gateway")
    public Response session(@PathParam("id") String id) {
        if (!SESSION_ID.matcher(id).matches()) {
            return Problems.of(404, "Unknown session", "no session " + id.substring(0, Math.min(64, id.length())));
        }
        return sessions.timeline(id).map(e -> ok(new SessionDetail(e.getKey(), e.getValue())))
                .orElseGet(() -> Problems.of(404, "Unknown session", "no session " + id + " on this gateway"));
    }

    @GET
    @Path("dead-letters")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "the broker's dead letters, with the reason their deliveries failed")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DeadLetters.DeadLetter[].class)))
    public Response deadLetters(@QueryParam("limit") @DefaultValue("200") int limit) {
        if (limit < 1 || limit > 1000) {
            return Problems.of(400, "Bad limit", "limit must be between 1 and 1000");
        }
        return ok(deadLetters.list(limit));
    }

    @GET
    @Path("alerts")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "the conditions that need a person now, and the latest alerts raised")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Alerts.Alert[].class)))
    public Response alertList() {
        return ok(alerts.recent());
    }

    /** One operator action as the audit trail keeps it. */
    public record ActionView(Instant at, String operator, String via, String action, String sessionId, String outcome,
            String detail) {}

    @GET
    @Path("actions")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "what operators did (through this API or the MBeans), who, and what came of it, latest first")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ActionView[].class)))
    public Response actions(@QueryParam("session") String sessionId, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            return Problems.of(400, "Bad limit", "limit must be between 1 and 1000");
        }
        if (sessionId != null && !SESSION_ID.matcher(sessionId).matches()) {
            return Problems.of(400, "Bad session", "session is a session id");
        }
        return ok(console.actions(sessionId, limit).stream().map(a -> new ActionView(Instant.ofEpochMilli(a.atMillis()),
                a.operator(), a.via(), a.action(), a.sessionId(), a.outcome(), a.detail())).toList());
    }

    /**
     * The TLS state of this gateway's deliveries to the counterpart: when its client (and session cache) was made,
     * how many full handshakes it made and when the last one was, and the latest connections, newest first.
     */
    @GET
    @Path("peer-tls")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "the TLS sessions of the deliveries to the counterpart")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PeerHttpChannel.TlsStatus.class)))
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
    @Operation(summary = "failed deliveries (rolled back and redelivered, or dead) with their reasons, latest first")
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

    // ---- what operators do -------------------------------------------------------------------------------------

    @POST
    @Path("intake/pause")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "pause intake: jobs are answered 503 with Retry-After (REST) or wait in the broker (JMS)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = IntakeGate.State.class)))
    public Response pause() {
        return ok(console.pauseIntake(operator()));
    }

    @POST
    @Path("intake/resume")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "resume intake")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = IntakeGate.State.class)))
    public Response resume() {
        return ok(console.resumeIntake(operator()));
    }

    @POST
    @Path("sessions/{id}/retry")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "retry a stuck session: ask the ledger again, resend its last message, or start recovery")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ActionResult.class)))
    @APIResponse(responseCode = "409", description = "refused, with the reason (the session ended)")
    public Response retry(@PathParam("id") String id) {
        if (!SESSION_ID.matcher(id).matches()) {
            return Problems.of(404, "Unknown session", "no such session on this gateway");
        }
        return outcome(id, "retry", console.retry(id, operator()), "Retry refused");
    }

    @POST
    @Path("sessions/{id}/rollback")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "force the deadline's rollback now, where the protocol allows it (never after the burn)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ActionResult.class)))
    @APIResponse(responseCode = "409", description = "refused, with the reason (past the burn, minted here, ended)")
    public Response rollback(@PathParam("id") String id) {
        if (!SESSION_ID.matcher(id).matches()) {
            return Problems.of(404, "Unknown session", "no such session on this gateway");
        }
        return outcome(id, "rollback", console.forceRollback(id, operator()), "Rollback refused");
    }

    @POST
    @Path("dead-letters/redrive")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "send the dead letters of unfinished sessions back to the queue they came from")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DeadLetters.Redrive.class)))
    public Response redrive() {
        return ok(console.redriveDeadLetters(operator()));
    }

    private Response outcome(String id, String action, StepService.OperatorOutcome o, String refusal) {
        if (!o.found()) {
            return Problems.of(404, "Unknown session", o.detail());
        }
        if (!o.done()) {
            return Problems.of(409, refusal, o.detail());
        }
        return ok(new ActionResult(id, action, true, o.state(), o.detail()));
    }

    private OperatorConsole.Operator operator() {
        return new OperatorConsole.Operator(caller.getUserPrincipal() == null ? null : caller.getUserPrincipal().getName(), "api");
    }

    private String networkId() {
        return status.networkId();
    }

    private String gatewayId() {
        return status.gatewayId();
    }

    private static Response ok(Object body) {
        return Response.ok(Problems.json(body), MediaType.APPLICATION_JSON).build();
    }
}
