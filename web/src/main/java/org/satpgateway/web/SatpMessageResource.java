package org.satpgateway.web;

import jakarta.annotation.security.PermitAll;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.ejb.door.PeerIntake;
import org.satpgateway.ejb.identity.GatewayIdentity;

/**
 * {@code POST /satp/v1/messages}: the one endpoint peer gateways call, over mutual TLS 1.3 on the peer listener
 * (the TLS layer has already checked the client's certificate against the counterpart organisation's root; a request
 * without one, such as one on the plain HTTP listener, is refused with err_0.1.2). 202 once the message is durably
 * on the inbound queue; a problem+json error when it is refused at the door. The protocol's answer travels later, as a
 * POST to the counterpart's same endpoint. Open at the HTTP layer ({@code @PermitAll}): the caller proves who it is
 * with its TLS certificate and the message's signature, not with a token.
 */
@Path("satp/v1/messages")
@RequestScoped
@PermitAll
public class SatpMessageResource {
    private static final long DRAIN_LIMIT = 8L * MessageCodec.DEFAULT_MAX_BYTES;
    /** The servlet attribute with the client's certificate chain, set only on a mutual TLS connection. */
    static final String CLIENT_CERTIFICATE = "jakarta.servlet.request.X509Certificate";

    @EJB
    private PeerIntake intake;

    @EJB
    private GatewayIdentity identity;

    @Context
    private HttpServletRequest request;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response receive(InputStream body, @HeaderParam("Idempotency-Key") String deliveryKey) throws IOException {
        if (!(request.getAttribute(CLIENT_CERTIFICATE) instanceof X509Certificate[] chain) || chain.length == 0) {
            // The plain HTTP listener (back office, operators) also serves this path: refuse before reading anything.
            return Response.fromResponse(Problems.of(Rejection.of(SatpError.NOT_AUTHORISED,
                    "peer messages are taken only over mutual TLS, on the gateway's peer port")))
                    .header("Connection", "close").build();
        }
        Optional<String> pending = identity.identityPending();
        if (pending.isPresent()) {
            // the answers would be signed with a key the counterpart cannot check yet: come back later
            return Response.fromResponse(Problems.of(503, "Not ready", pending.get())).header("Retry-After", "10").build();
        }
        byte[] bytes = body.readNBytes(MessageCodec.DEFAULT_MAX_BYTES + 1);
        if (bytes.length > MessageCodec.DEFAULT_MAX_BYTES) {
            // Read what is left (up to a bound) so that the sender, still sending, gets the answer; beyond the
            // bound the connection is closed instead of reading on.
            boolean drained = StrictJson.drain(body, DRAIN_LIMIT);
            Response tooLarge = Problems.of(Rejection.of(SatpError.PAYLOAD_TOO_LARGE,
                    "a message may have at most " + MessageCodec.DEFAULT_MAX_BYTES + " bytes"));
            return drained ? tooLarge : Response.fromResponse(tooLarge).header("Connection", "close").build();
        }
        Optional<Rejection> refused = intake.accept(bytes, deliveryKey, Certificates.commonName(chain[0]));
        return refused.map(Problems::of).orElseGet(() -> Response.accepted().build());
    }
}
