package org.satpgateway.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
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
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.satpgateway.ejb.job.JobIntake;
import org.satpgateway.ejb.job.TransferQueries;
import org.satpgateway.ejb.step.StepService;

/**
 * The back office's REST interface: {@code POST /api/v1/transfers} takes a job (the client's transferContextId is
 * the idempotency key: a repeat returns the first job), {@code GET /api/v1/transfers/{id}} gives its state, step and
 * history, {@code GET /api/v1/transfers?state=...} lists transfers. Errors are problem+json.
 */
@Path("api/v1/transfers")
@RequestScoped
public class TransferResource {
    private static final Set<String> STATES = Set.of("ACTIVE", "ROLLING_BACK", "COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED");

    @EJB
    private JobIntake intake;

    @EJB
    private TransferQueries queries;

    @Context
    private UriInfo uri;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(String json) {
        StepService.Submission s;
        try {
            s = intake.fromRest(json);
        } catch (RuntimeException e) {
            // two submissions of one transferContextId raced: the loser finds the winner's job
            s = queries.jobIdForContext(contextOf(json))
                    .<StepService.Submission>map(id -> new StepService.Submission.Accepted(id, true))
                    .orElseThrow(() -> e);
        }
        if (s instanceof StepService.Submission.Refused r) {
            return Problems.of(r.rejection());
        }
        if (s instanceof StepService.Submission.Unavailable u) {
            return Response.fromResponse(Problems.of(503, "Not taking jobs yet", u.reason())).header("Retry-After", "2").build();
        }
        StepService.Submission.Accepted a = (StepService.Submission.Accepted) s;
        URI location = uri.getBaseUriBuilder().path("api/v1/transfers").path(a.jobId()).build();
        Map<String, Object> view = queries.transfer(a.jobId()).orElse(Map.of("id", a.jobId()));
        return Response.status(a.repeat() ? Response.Status.OK : Response.Status.ACCEPTED)
                .location(location).entity(Problems.json(view)).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response transfer(@PathParam("id") String id) {
        return queries.transfer(id)
                .map(v -> Response.ok(Problems.json(v)).build())
                .orElseGet(() -> Problems.of(404, "Unknown transfer", "no transfer with id " + id));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response transfers(@QueryParam("state") String state, @QueryParam("limit") @DefaultValue("100") int limit) {
        if (state != null && !STATES.contains(state)) {
            return Problems.of(400, "Unknown state", "state must be one of " + STATES);
        }
        if (limit < 1 || limit > 1000) {
            return Problems.of(400, "Bad limit", "limit must be between 1 and 1000");
        }
        return Response.ok(Problems.json(queries.transfers(state, limit))).build();
    }

    private static String contextOf(String json) {
        try {
            return Problems.JSON.readTree(json).path("transferContextId").asText(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
