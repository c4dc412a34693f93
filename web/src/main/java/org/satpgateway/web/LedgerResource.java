package org.satpgateway.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.message.TransferInitClaim;
import org.satpgateway.ejb.access.Roles;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.intake.StrictJsonMapper;
import org.satpgateway.ejb.ledger.GatewayLedger;

/**
 * The ledger's query interface, through the ledger port whatever the connector, so that people and tests can check
 * the ledger from outside: an asset's
 * owner, state and history, and the total supply (back offices and operators). Issuing an asset is for the embedded
 * default and tests only: the {@code ledger-issuer} role, on a gateway with {@code gateway.ledger.issuing=true}.
 */
@Path("api/v1/ledger")
@RequestScoped
@Tag(name = "ledger", description = "the ledger's query interface, through the ledger port")
@RolesAllowed({Roles.BACK_OFFICE, Roles.OPERATOR})
public class LedgerResource {
    private static final java.util.logging.Logger AUDIT = java.util.logging.Logger.getLogger("org.satpgateway.audit");

    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.core.SecurityContext caller;

    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayLedger gatewayLedger;

    @GET
    @Path("assets/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "an asset's owner, amount and state")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ApiSchemas.Asset.class)))
    @APIResponse(responseCode = "404", description = "no such asset", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response asset(@PathParam("id") String id) {
        return gatewayLedger.connector().asset(id)
                .map(a -> Response.ok(Problems.json(a)).build())
                .orElseGet(() -> Problems.of(404, "Unknown asset", "no asset " + id + " on " + config.settings().networkId()));
    }

    @GET
    @Path("assets/{id}/history")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "every action done on an asset, oldest first")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ApiSchemas.LedgerRecord[].class)))
    public Response history(@PathParam("id") String id) {
        return Response.ok(Problems.json(gatewayLedger.connector().history(id))).build();
    }

    @GET
    @Path("supply")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "the ledger's total supply")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ApiSchemas.Supply.class)))
    public Response supply() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("network", config.settings().networkId());
        body.put("totalSupply", gatewayLedger.connector().totalSupply());
        return Response.ok(Problems.json(body)).build();
    }

    @POST
    @Path("assets")
    @RolesAllowed(Roles.LEDGER_ISSUER)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "issue a new asset (embedded default and tests: gateway.ledger.issuing=true)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.IssueRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = ApiSchemas.Asset.class)))
    @APIResponse(responseCode = "409", description = "the asset exists", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    @APIResponse(responseCode = "503", description = "the ledger did not answer in time: retry after Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ApiSchemas.Problem.class)))
    public Response issue(@HeaderParam("Content-Type") String contentType, InputStream body) throws IOException {
        if (!config.settings().ledgerIssuing()) {
            return Problems.of(403, "Issuing disabled", "this gateway's ledger does not issue assets (gateway.ledger.issuing)");
        }
        StrictJson.Body read = StrictJson.read(contentType, body, MAX_ISSUE_BYTES);
        if (read instanceof StrictJson.Body.Refused refused) {
            return refused.problem();
        }
        Issue n;
        try {
            n = ISSUE.readValue(((StrictJson.Body.Text) read).json(), Issue.class);
        } catch (IOException e) {
            return Problems.of(400, "Malformed asset", "an asset is {\"assetId\": text, \"owner\": text, \"amount\": integer}: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (n == null || n.assetId() == null || n.assetId().isBlank() || n.assetId().length() > 200
                || n.owner() == null || n.owner().isBlank() || n.owner().length() > 200) {
            return Problems.of(422, "Invalid asset", "assetId and owner are required, each at most 200 characters");
        }
        if (n.amount() == null || n.amount() <= 0 || n.amount() > TransferInitClaim.MAX_AMOUNT) {
            return Problems.of(422, "Invalid asset", "amount must be an integer from 1 to " + TransferInitClaim.MAX_AMOUNT);
        }
        LedgerConnector ledger = gatewayLedger.connector();
        if (ledger.asset(n.assetId()).isPresent()) {
            return Problems.of(409, "Asset exists", "asset " + n.assetId() + " already exists");
        }
        if (ledger.totalSupply() > LedgerConnector.MAX_SUPPLY - n.amount()) {
            return Problems.of(422, "Invalid asset", "the ledger's total supply may not exceed " + LedgerConnector.MAX_SUPPLY);
        }
        ledger.issue(n.assetId(), n.owner(), n.amount());
        // the audit trail: who issued what (the ledger's own record names no caller)
        AUDIT.info(() -> caller.getUserPrincipal().getName() + " issued " + n.assetId() + " (" + n.amount() + " units) to "
                + n.owner() + " on " + config.settings().networkId());
        return Response.status(201).entity(Problems.json(ledger.asset(n.assetId()).orElseThrow())).build();
    }

    /** An asset to issue. */
    record Issue(String assetId, String owner, Long amount) {}

    private static final int MAX_ISSUE_BYTES = 4096;
    private static final ObjectMapper ISSUE = StrictJsonMapper.create(MAX_ISSUE_BYTES);
}
