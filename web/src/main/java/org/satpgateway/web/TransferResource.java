package org.satpgateway.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.ejb.access.AccessTokens;
import org.satpgateway.ejb.access.Roles;
import org.satpgateway.ejb.intake.JobIntake;
import org.satpgateway.ejb.intake.TransferJob;
import org.satpgateway.ejb.intake.TransferQueries;
import org.satpgateway.ejb.step.StepService;

/**
 * The back office's REST interface: {@code POST /api/v1/transfers} takes a job (the client's transferContextId is
 * the idempotency key: a repeat returns the first job), {@code GET /api/v1/transfers/{id}} gives its state, step and
 * history, {@code GET /api/v1/transfers?state=...} lists transfers. Errors are problem+json. A job body must be
 * {@code application/json} in UTF-8 and at most {@link TransferJob#MAX_CHARS} long; a transferContextId already taken
 * by another job is refused with 409. Back offices submit jobs and read their own; operators read every job
 * (docs/security.md). Each job records who submitted it.
 */
@Path("api/v1/transfers")
@RequestScoped
@Tag(name = "back office", description = "transfer jobs and their state")
@RolesAllowed(Roles.BACK_OFFICE)
public class TransferResource {
    private static final Set<String> STATES = Set.of("ACTIVE", "ROLLING_BACK", "COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED");

    @EJB
    private JobIntake intake;

    @EJB
    private TransferQueries queries;

    @Context
    private UriInfo uri;

    @Context
    private SecurityContext caller;

    @Context
    private HttpServletRequest request;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "submit a transfer job (202 with its URL; 200 for a repeat of the same job)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.TransferJob.class)))
    @APIResponse(responseCode = "202", description = "taken", content = @Content(schema = @Schema(implementation = ApiSchemas.Transfer.class)))
    @APIResponse(responseCode = "200", description = "the same job again", content = @Content(schema = @Schema(implementation = ApiSchemas.Transfer.class)))
    @APIResponse(responseCode = "400", description = "malformed, or not JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "409", description = "the transferContextId belongs to another job", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "422", description = "refused with a SATP error code (asset, amount, accounts, ...)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "503", description = "not taking jobs now (starting, or intake paused): retry after Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response submit(@HeaderParam("Content-Type") String contentType, InputStream body) throws IOException {
        StrictJson.Body read = StrictJson.read(contentType, body, TransferJob.MAX_CHARS);
        if (read instanceof StrictJson.Body.Refused refused) {
            return refused.problem();
        }
        String json = ((StrictJson.Body.Text) read).json();
        AccessTokens.Caller submitter = (AccessTokens.Caller) request.getAttribute(BearerTokenMechanism.CALLER);
        StepService.Submission s;
        try {
            s = intake.fromRest(json, submitter);
        } catch (RuntimeException e) {
            // two submissions of one transferContextId raced and this one lost: the winner's job is there now, and
            // this submission is either the same job again or another one
            s = intake.fromRest(json, submitter);
        }
        if (s instanceof StepService.Submission.Refused r) {
            return Problems.of(r.rejection());
        }
        if (s instanceof StepService.Submission.Unavailable u) {
            return Response.fromResponse(Problems.of(503, "Not taking jobs now", u.reason()))
                    .header("Retry-After", Integer.toString(u.retryAfterSeconds())).build();
        }
        if (s instanceof StepService.Submission.Conflict c) {
            URI first = uri.getBaseUriBuilder().path("api/v1/transfers").path(c.jobId()).build();
            return Response.fromResponse(Problems.of(409, Rejection.of(SatpError.INVALID_CONTEXT_ID, c.detail())))
                    .location(first).build();
        }
        StepService.Submission.Accepted a = (StepService.Submission.Accepted) s;
        URI location = uri.getBaseUriBuilder().path("api/v1/transfers").path(a.jobId()).build();
        Map<String, Object> view = queries.transfer(a.jobId(), null).orElse(Map.of("id", a.jobId()));
        return Response.status(a.repeat() ? Response.Status.OK : Response.Status.ACCEPTED)
                .location(location).entity(Problems.json(view)).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.BACK_OFFICE, Roles.OPERATOR})
    @Operation(summary = "a transfer's state, step, history and recoveries")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ApiSchemas.Transfer.class)))
    @APIResponse(responseCode = "404", description = "no such transfer for this caller", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response transfer(@PathParam("id") String id) {
        return queries.transfer(id, viewer())
                .map(v -> Response.ok(Problems.json(v)).build())
                .orElseGet(() -> Problems.of(404, "Unknown transfer", "no transfer with id " + id));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.BACK_OFFICE, Roles.OPERATOR})
    @Operation(summary = "transfers, most recently updated first, optionally in one state")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ApiSchemas.Transfer[].class)))
    @APIResponse(responseCode = "400", description = "unknown state or bad limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response transfers(@QueryParam("state") String state, @QueryParam("limit") String limitParam) {
        if (state != null && !STATES.contains(state)) {
            return Problems.of(400, "Unknown state", "state must be one of " + STATES);
        }
        int limit;
        try {
            limit = limitParam == null ? 100 : Integer.parseInt(limitParam);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 1000) {
            return Problems.of(400, "Bad limit", "limit must be a whole number from 1 to 1000");
        }
        return Response.ok(Problems.json(queries.transfers(state, limit, viewer()))).build();
    }

    /** Whose jobs the caller sees: an operator every job (null), a back office its own. */
    private String viewer() {
        return caller.isUserInRole(Roles.OPERATOR) ? null : caller.getUserPrincipal().getName();
    }
}
