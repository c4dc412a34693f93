package org.satpgateway.core.session;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.message.AssertionClaim;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.SatpMessage;

/**
 * The checks every received message passes before it may change anything (protocol.md, Canonical bytes and
 * signatures): the sender's role, the signature with the key the sender must use, session and context ids, and for
 * chain messages the sequence number and the hash chain. Stateless.
 */
public final class MessageVerifier {

    /** Checks signature and identity: who sent it and for which session. */
    public Optional<Rejection> verifyOrigin(Session s, Decoded.Message in, Role peerRole) {
        SatpMessage msg = in.message().message();
        MessageType type = msg.type();
        if (type.sender() != MessageType.Sender.EITHER && !type.sender().name().equals(peerRole.name())) {
            // not a late or early message: one the counterpart's role never sends (protocol.md, Errors: err_0.1.1)
            return reject(SatpError.UNKNOWN_MESSAGE_TYPE, type.shortName() + " is not sent by the "
                    + peerRole.name().toLowerCase(java.util.Locale.ROOT) + " gateway");
        }
        Optional<Rejection> signature = Jws.verifyDetached(in.payload(), in.message().signature(), s.peerKey());
        if (signature.isPresent()) {
            return signature;
        }
        if (!s.sessionId().equals(msg.common().sessionId())) {
            return Optional.of(mismatch(type, 2, SatpError.SESSION_ID_MISMATCH, "sessionId " + msg.common().sessionId()));
        }
        if (!s.transferContextId().equals(msg.common().transferContextId())) {
            return Optional.of(mismatch(type, 1, SatpError.CONTEXT_ID_MISMATCH, "transferContextId " + msg.common().transferContextId()));
        }
        return Optional.empty();
    }

    /** Checks a chain message's place: the next sequence number and the hash of the previous message. */
    public Optional<Rejection> verifyPlace(Session s, SatpMessage msg) {
        long seq = msg.common().sequenceNumber();
        if (seq != 0 && seq != s.lastSequence() + 1) {
            return reject(SatpError.OUT_OF_SEQUENCE, msg.type().shortName() + " #" + seq + " where #" + (s.lastSequence() + 1) + " is expected");
        }
        if (!Objects.equals(s.lastMessageHash(), msg.common().hashPrevMessage())) {
            return Optional.of(mismatch(msg.type(), 3, SatpError.HASH_CHAIN_MISMATCH, "hashPrevMessage does not match the previous message"));
        }
        return Optional.empty();
    }

    /** Checks an assertion claim: our format, and signed by the asserting gateway over its receipt and proof. */
    public Optional<Rejection> verifyClaim(AssertionClaim claim, String format, SatpError unsupportedFormat,
            PublicJwk signer, org.satpgateway.core.codec.MessageCodec codec) {
        if (!SessionPolicy.CLAIM_FORMAT.equals(format)) {
            return reject(unsupportedFormat, "claim format " + format + " is not supported");
        }
        byte[] signed = codec.canonicalJson(Map.of("receipt", claim.receipt(), "proof", claim.proof()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Jws.verifyDetached(signed, claim.signature(), signer)
                .map(r -> Rejection.of(SatpError.INVALID_CLAIM, "claim signature: " + r.detail()));
    }

    private static Rejection mismatch(MessageType type, int n, SatpError generic, String detail) {
        String code = type.inChain() ? type.mismatchCode(n) : generic.code();
        return new Rejection(generic, code, detail + " does not match the session");
    }

    private static Optional<Rejection> reject(SatpError error, String detail) {
        return Optional.of(Rejection.of(error, detail));
    }
}
