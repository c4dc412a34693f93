package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * The fields every SATP message carries, nested under {@code common} on the wire.
 *
 * @param version protocol version, {@value #VERSION}
 * @param messageType the type; must match the record that holds this header
 * @param sessionId UUID chosen by the client gateway
 * @param transferContextId the back-office job's transfer id
 * @param sequenceNumber position in the session's message chain, from 1; 0 when a peer left it out (the hash chain
 *     then decides); for messages outside the chain (errors, recovery) the sender's last chain position
 * @param hashPrevMessage SHA-256 (hex) of the previous message of the session as transmitted; null on the first
 * @param timestamp RFC 3339 time the message was made
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Common(
        String version,
        MessageType messageType,
        String sessionId,
        String transferContextId,
        long sequenceNumber,
        String hashPrevMessage,
        String timestamp) {

    public static final String VERSION = "1.0";

    public Common {
        Require.nonBlank(version, "common.version");
        Objects.requireNonNull(messageType, "common.messageType is required");
        Require.bounded(sessionId, "common.sessionId", Require.MAX_SESSION_ID);
        Require.bounded(transferContextId, "common.transferContextId", Require.MAX_ID);
        if (sequenceNumber < 0) {
            throw new IllegalArgumentException("common.sequenceNumber must not be negative");
        }
        Require.timestamp(timestamp, "common.timestamp");
        if (hashPrevMessage != null) {
            Require.sha256Hex(hashPrevMessage, "common.hashPrevMessage");
        }
    }

    public static Common of(MessageType type, String sessionId, String transferContextId, long sequenceNumber,
            String hashPrevMessage, Instant timestamp) {
        return new Common(VERSION, type, sessionId, transferContextId, sequenceNumber, hashPrevMessage,
                timestamp.toString());
    }

    public Instant time() {
        return Instant.parse(timestamp);
    }
}
