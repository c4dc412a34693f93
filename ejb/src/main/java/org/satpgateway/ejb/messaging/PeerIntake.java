package org.satpgateway.ejb.messaging;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.message.TransferProposal;
import org.satpgateway.ejb.config.GatewayContext;

/**
 * The door of {@code POST /satp/v1/messages}: a message that is malformed, too large, of an unknown type or not
 * signed by the counterpart is refused here, before any SATP processing; a good one is put on the inbound queue,
 * durably, before the caller answers 202.
 */
@Stateless
public class PeerIntake {
    @EJB
    private GatewayContext gateway;

    @EJB
    private JmsChannel jms;

    @EJB
    private PeerHttpChannel channel;

    /** Checks and queues one received message; empty when it is queued, else why it was refused. */
    public Optional<Rejection> accept(byte[] body, String deliveryKey) {
        Decoded d = gateway.codec().decode(body);
        if (d instanceof Decoded.Refused refused) {
            return Optional.of(refused.rejection());
        }
        SignedMessage m = ((Decoded.Message) d).message();
        PublicJwk peerKey = gateway.peerKey();
        if (peerKey == null) {
            return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED,
                    "no signing certificate of the counterpart is trusted here yet"));
        }
        byte[] payload = ((Decoded.Message) d).payload();
        Optional<Rejection> signature = Jws.verifyDetached(payload, m.signature(), peerKey);
        if (signature.isPresent()) {
            Optional<PublicJwk> declared = declaredKey(m.message());
            if (declared.isPresent() && !declared.get().equals(peerKey)
                    && Jws.verifyDetached(payload, m.signature(), declared.get()).isEmpty()) {
                return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED, "signed by a key that the counterpart "
                        + "organisation's CA has not certified for " + gateway.settings().peerGatewayId()));
            }
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "not signed by the counterpart's key: "
                    + signature.get().detail()));
        }
        if (m.message() instanceof Recover) {
            channel.renewTls("the counterpart started recovery");
        }
        String key = deliveryKey == null || deliveryKey.isBlank() || deliveryKey.length() > 200 ? m.hash() : deliveryKey;
        jms.toInbound(new String(body, StandardCharsets.UTF_8), key, Map.of(
                "satpType", m.message().type().shortName(), "satpSession", m.message().common().sessionId()));
        return Optional.empty();
    }

    /** The signing key a message names for its sender, if it names one. */
    private static Optional<PublicJwk> declaredKey(SatpMessage message) {
        if (message instanceof TransferProposal p && p.transferInitClaim() != null) {
            return Optional.ofNullable(p.transferInitClaim().senderGatewaySignaturePublicKey());
        }
        if (message instanceof Recover r) {
            return Optional.ofNullable(r.newIdentityPublicKey());
        }
        return Optional.empty();
    }
}
