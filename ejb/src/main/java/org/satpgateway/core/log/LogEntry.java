package org.satpgateway.core.log;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One fact of a session's log (protocol.md, The gateway log). {@code (sessionId, sequenceNumber, type,
 * operation)} is unique; entries of a session are hash-chained through {@code hashPrevEntry}.
 *
 * @param sequenceNumber the chain position of the message this entry belongs to (for a ledger action, the message
 *     it precedes; for recovery messages, the sender's last chain position)
 * @param type a message's short name ({@code lock-assert-msg}) or a ledger action ({@code lock}); or
 *     {@code alert} for an escalation to an operator
 * @param data JSON: a message's signed text, a ledger receipt, or a reason
 * @param hashPrevEntry SHA-256 of the previous entry of the session, null on the first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogEntry(
        String sessionId,
        long sequenceNumber,
        String type,
        Operation operation,
        String timestamp,
        String data,
        String hashPrevEntry) {

    public LogEntry {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(data, "data");
    }

    /** The unique key of the entry as one string, for maps and duplicate checks. */
    @JsonIgnore
    public String key() {
        return sessionId + "/" + sequenceNumber + "/" + type + "/" + operation.wireName();
    }
}
