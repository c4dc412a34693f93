package org.satpgateway.core;

/**
 * The SATP error codes this gateway sends and understands, with the HTTP status of the problem response.
 *
 * <p>Codes of the form {@code err_0.2.x} are ours: the drafts do not define them (protocol.md, Errors).
 * The wire form is {@code urn:ietf:params:satp:core:error:<code>}.
 */
public enum SatpError {
    UNKNOWN_MESSAGE_TYPE("err_0.1.1", 400, "Unknown or invalid message type"),
    NOT_AUTHORISED("err_0.1.2", 403, "Insufficient permissions"),
    BAD_SIGNATURE("err_0.1.3", 422, "Bad signature"),
    INVALID_CONTEXT_ID("err_1.1.1", 422, "Invalid transferContextId"),
    INVALID_SESSION_ID("err_1.1.2", 422, "Invalid sessionId"),
    INVALID_CLAIM_FORMAT("err_1.1.3", 422, "Invalid claim format"),
    INVALID_ASSET_ID("err_1.1.11", 422, "Invalid digital asset id"),
    INVALID_ASSET_PROFILE("err_1.1.12", 422, "Invalid asset profile"),
    INVALID_AMOUNT("err_1.1.13", 422, "Invalid amount"),
    INVALID_ORIGINATOR("err_1.1.14", 422, "Invalid originator"),
    INVALID_BENEFICIARY("err_1.1.15", 422, "Invalid beneficiary"),
    INVALID_GATEWAY_KEY("err_1.1.17", 422, "Invalid gateway signature public key"),
    INVALID_GATEWAY_ID("err_1.1.19", 422, "Invalid gateway id"),
    INVALID_NETWORK_ID("err_1.1.20", 422, "Invalid network id"),
    UNSUPPORTED_SIGNATURE_ALGORITHM("err_1.1.31", 415, "Unsupported signature algorithm"),
    UNSUPPORTED_LOCK_TYPE("err_1.1.32", 415, "Unsupported lock type"),
    UNSUPPORTED_LOCK_EXPIRATION("err_1.1.33", 415, "Unsupported lock expiration"),
    /** Generic form; a message of the protocol reports it as {@code err_<stage>.<msg>.1}. */
    CONTEXT_ID_MISMATCH("err_0.3.1", 404, "transferContextId does not match the session"),
    /** Generic form; a message of the protocol reports it as {@code err_<stage>.<msg>.2}. */
    SESSION_ID_MISMATCH("err_0.3.2", 404, "sessionId does not match the session"),
    /** Generic form; a message of the protocol reports it as {@code err_<stage>.<msg>.3}. */
    HASH_CHAIN_MISMATCH("err_0.3.3", 404, "hashPrevMessage does not match the previous message"),
    ASSET_NOT_FOUND("err_2.2.7", 404, "Asset not found"),
    ASSET_ALREADY_LOCKED("err_2.2.8", 409, "Asset already locked"),
    LOCK_EXPIRED("err_2.2.9", 410, "Lock expired"),
    UNSUPPORTED_MINT_CLAIM_FORMAT("err_3.3.4", 415, "Unsupported mint claim format"),
    UNSUPPORTED_BURN_CLAIM_FORMAT("err_3.5.4", 415, "Unsupported burn claim format"),
    UNSUPPORTED_ASSIGNMENT_CLAIM_FORMAT("err_3.7.4", 415, "Unsupported assignment claim format"),
    OUT_OF_SEQUENCE("err_0.2.1", 409, "Message out of sequence"),
    SESSION_NOT_FOUND("err_0.2.2", 404, "Session not found"),
    SESSION_CLOSED("err_0.2.3", 409, "Session already ended"),
    PAYLOAD_TOO_LARGE("err_0.2.4", 413, "Payload too large"),
    KEY_NOT_AUTHORISED("err_0.2.5", 403, "Key not authorised"),
    MALFORMED_MESSAGE("err_0.2.6", 400, "Malformed message"),
    INVALID_CLAIM("err_0.2.7", 422, "Invalid assertion claim"),
    LEDGER_FAILURE("err_0.2.8", 500, "Ledger action failed"),
    /** The message passed every check and its step failed for a reason retrying does not cure; nothing changed. */
    UNPROCESSABLE("err_0.2.9", 500, "Message could not be processed");

    /** Prefix of the problem {@code type} URI. */
    public static final String TYPE_PREFIX = "urn:ietf:params:satp:core:error:";

    private final String code;
    private final int httpStatus;
    private final String title;

    SatpError(String code, int httpStatus, String title) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.title = title;
    }

    /** The wire code, for example {@code err_0.1.3}. Stable: never renumber. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    /** The RFC 9457 problem {@code type}. */
    public String type() {
        return TYPE_PREFIX + code;
    }

    public static java.util.Optional<SatpError> fromCode(String code) {
        for (SatpError e : values()) {
            if (e.code.equals(code)) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }
}
