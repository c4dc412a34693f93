package org.satpgateway.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.ejb.messaging.PeerIntake;

/**
 * {@code POST /satp/v1/messages}: the one endpoint peer gateways call. 202 once the message is durably on the
 * inbound queue; a problem+json error when it is refused at the door. The protocol's answer travels later, as a
 * POST to the counterpart's same endpoint.
 */
@Path("satp/v1/messages")
@RequestScoped
public class SatpMessageResource {
    @EJB
    private PeerIntake intake;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    public Response receive(InputStream body, @HeaderParam("Idempotency-Key") String deliveryKey) throws IOException {
        byte[] bytes = body.readNBytes(MessageCodec.DEFAULT_MAX_BYTES + 1);
        if (bytes.length > MessageCodec.DEFAULT_MAX_BYTES) {
            return Problems.of(Rejection.of(SatpError.PAYLOAD_TOO_LARGE,
                    "a message may have at most " + MessageCodec.DEFAULT_MAX_BYTES + " bytes"));
        }
        Optional<Rejection> refused = intake.accept(bytes, deliveryKey);
        return refused.map(Problems::of).orElseGet(() -> Response.accepted().build());
    }
}
