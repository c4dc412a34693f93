package org.satpgateway.core.codec;

import java.util.Objects;
import org.satpgateway.core.crypto.Hashes;
import org.satpgateway.core.message.SatpMessage;

/**
 * A message as it travels: the record, its detached JWS, and the exact transmitted text. {@link #hash()} is the
 * SHA-256 of the transmitted bytes, the value the next message's {@code hashPrevMessage} must carry.
 */
public record SignedMessage(SatpMessage message, String signature, String wire, String hash) {
    public SignedMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(wire, "wire");
        Objects.requireNonNull(hash, "hash");
    }

    static SignedMessage of(SatpMessage message, String signature, String wire) {
        return new SignedMessage(message, signature, wire, Hashes.sha256Hex(wire));
    }
}
