package org.satpgateway.ejb.door;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.message.TransferProposal;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.identity.GatewayIdentity;
import org.satpgateway.ejb.outbound.JmsChannel;
import org.satpgateway.ejb.outbound.PeerHttpChannel;
import org.satpgateway.ejb.protocol.GatewayProtocol;

/**
 * The door of {@code POST /satp/v1/messages}: a message that is malformed, too large, of an unknown type, not
 * signed by the counterpart, or signed by another gateway than the one whose TLS certificate is on the connection, is
 * refused here, before any SATP processing; a good one is put on the inbound queue, durably, before the caller
 * answers 202.
 *
 * <p>The door runs outside any transaction: its one effect is the send, which is durable when it returns
 * (persistent, blocking), and a send outside a transaction that repeats a delivery key the broker has seen is
 * dropped by the broker's duplicate detection without an error, so a repeated delivery is answered 202 also after
 * a restart (inside a transaction the broker would abort the commit, and the sender would get 503).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PeerIntake {
    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayIdentity identity;

    @EJB
    private GatewayProtocol protocol;

    @EJB
    private JmsChannel jms;

    @EJB
    private PeerHttpChannel channel;

    @EJB
    private DeliveryKeys deliveryKeys;

    @jakarta.inject.Inject
    private org.satpgateway.ejb.metrics.GatewayMetrics metrics;

    /**
     * Checks and queues one received message; empty when it is queued, else why it was refused. {@code tlsName} is
     * the common name of the TLS client certificate on the connection (the TLS layer checked it against the
     * counterpart organisation's root): the message must be signed by a key certified for that same gateway.
     */
    public Optional<Rejection> accept(byte[] body, String deliveryKey, String tlsName) {
        Optional<Rejection> refused = check(body, deliveryKey, tlsName);
        refused.ifPresent(r -> metrics.refused(r.code()));
        return refused;
    }

    private Optional<Rejection> check(byte[] body, String deliveryKey, String tlsName) {
        Decoded d = protocol.codec().decode(body);
        if (d instanceof Decoded.Refused refused) {
            return Optional.of(refused.rejection());
        }
        SignedMessage m = ((Decoded.Message) d).message();
        PublicJwk peerKey = identity.peerKey();
        if (peerKey == null) {
            return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED,
                    "no signing certificate of the counterpart is trusted here yet"));
        }
        byte[] payload = ((Decoded.Message) d).payload();
        Optional<X509Certificate> signer = identity.peerCertificates().active(config.settings().peerGatewayId()).stream()
                .filter(k -> Jws.verifyDetached(payload, m.signature(), k).isEmpty()).findFirst()
                .flatMap(k -> identity.peerCertificates().certificateOf(k));
        if (signer.isEmpty() && m.message() instanceof Recover r && r.newIdentityPublicKey() != null) {
            // a new key announced with its certificate: the step decides whether it may replace the session's key
            Optional<Rejection> announced = announcement(payload, m.signature(), r);
            if (announced.isPresent()) {
                return announced;
            }
            signer = Optional.of(Certificates.fromPem(r.certificate()).get(0));
        }
        if (signer.isEmpty()) {
            Optional<PublicJwk> declared = declaredKey(m.message());
            if (declared.isPresent() && Jws.verifyDetached(payload, m.signature(), declared.get()).isEmpty()) {
                return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED, "signed by a key that is not a certified,"
                        + " current key of " + config.settings().peerGatewayId()));
            }
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "not signed by a current key of the counterpart"));
        }
        String signedBy = Certificates.commonName(signer.get());
        if (!signedBy.equals(tlsName)) {
            return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED, "signed by " + signedBy
                    + ", but the TLS certificate on the connection is " + tlsName + "'s: a gateway sends its own messages"));
        }
        if (m.message() instanceof Recover) {
            channel.renewTls("the counterpart started recovery");
        }
        String key = deliveryKey == null || deliveryKey.isBlank() || deliveryKey.length() > 200 ? m.hash() : deliveryKey;
        if (deliveryKeys.queued(key)) {
            return Optional.empty(); // a repeated delivery: the message is on the inbound queue already
        }
        jms.toInbound(new String(body, StandardCharsets.UTF_8), key, Map.of(
                "satpType", m.message().type().shortName(), "satpSession", m.message().common().sessionId()));
        deliveryKeys.committed(key);
        return Optional.empty();
    }

    /**
     * The door's part of a new key's checks: a certificate for it (with any intermediate CA certificates after it)
     * valid up to a trusted root, and the message signed with it.
     */
    private Optional<Rejection> announcement(byte[] payload, String signature, Recover r) {
        if (r.certificate() == null) {
            return Optional.of(Rejection.of(SatpError.KEY_NOT_AUTHORISED, "a new key needs its certificate"));
        }
        if (identity.peerCertificates().entry(r.newIdentityPublicKey()).map(e -> e.retired()).orElse(false)) {
            return Optional.of(Rejection.of(SatpError.KEY_NOT_AUTHORISED,
                    "the announced key was replaced before and cannot come back"));
        }
        try {
            List<X509Certificate> certs = Certificates.fromPem(r.certificate());
            X509Certificate cert = certs.stream().findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no certificate"));
            if (!Certificates.signingKey(cert).map(r.newIdentityPublicKey()::equals).orElse(false)) {
                return Optional.of(Rejection.of(SatpError.KEY_NOT_AUTHORISED, "the certificate is not for the announced key"));
            }
            Optional<String> chain = identity.peerCertificates().problem(certs);
            if (chain.isPresent()) {
                return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED,
                        "the new key is not certified by the counterpart organisation's CA: " + chain.get()));
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(Rejection.of(SatpError.KEY_NOT_AUTHORISED, "the certificate cannot be read: " + e.getMessage()));
        }
        return Jws.verifyDetached(payload, signature, r.newIdentityPublicKey())
                .map(bad -> Rejection.of(SatpError.BAD_SIGNATURE, "not signed by the announced key: " + bad.detail()));
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
