package org.satpgateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.satpgateway.ejb.config.GatewayContext;
import org.satpgateway.ledger.ReferenceLedger;

/**
 * The reference ledger's query interface, so that people and tests can check the ledger from outside: an asset's
 * owner, state and history, and the total supply. Issuing an asset is for the embedded default and tests only
 * ({@code gateway.ledger.issuing=true}).
 */
@Path("api/v1/ledger")
@RequestScoped
public class LedgerResource {
    @EJB
    private GatewayContext gateway;

    @GET
    @Path("assets/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response asset(@PathParam("id") String id) {
        return gateway.referenceLedger().asset(id)
                .map(a -> Response.ok(Problems.json(a)).build())
                .orElseGet(() -> Problems.of(404, "Unknown asset", "no asset " + id + " on " + gateway.settings().networkId()));
    }

    @GET
    @Path("assets/{id}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Response history(@PathParam("id") String id) {
        return Response.ok(Problems.json(gateway.referenceLedger().history(id))).build();
    }

    @GET
    @Path("supply")
    @Produces(MediaType.APPLICATION_JSON)
    public Response supply() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("network", gateway.settings().networkId());
        body.put("totalSupply", gateway.referenceLedger().totalSupply());
        return Response.ok(Problems.json(body)).build();
    }

    @POST
    @Path("assets")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response issue(String json) {
        if (!gateway.settings().ledgerIssuing()) {
            return Problems.of(403, "Issuing disabled", "this gateway's reference ledger does not issue assets (gateway.ledger.issuing)");
        }
        JsonNode n;
        try {
            n = Problems.JSON.readTree(json);
        } catch (IOException e) {
            return Problems.of(400, "Malformed asset", e.getMessage());
        }
        String id = n.path("assetId").asText("");
        String owner = n.path("owner").asText("");
        long amount = n.path("amount").asLong(0);
        if (id.isBlank() || owner.isBlank() || amount <= 0) {
            return Problems.of(422, "Invalid asset", "assetId, owner and a positive amount are required");
        }
        ReferenceLedger ledger = gateway.referenceLedger();
        if (ledger.asset(id).isPresent()) {
            return Problems.of(409, "Asset exists", "asset " + id + " already exists");
        }
        ledger.issue(id, owner, amount);
        return Response.status(201).entity(Problems.json(ledger.asset(id).orElseThrow())).build();
    }
}
