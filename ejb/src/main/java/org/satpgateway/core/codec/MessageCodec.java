package org.satpgateway.core.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.erdtman.jcs.JsonCanonicalizer;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.SatpMessage;

/**
 * The one canonical codec: SATP messages to and from JSON canonicalised by RFC 8785 (JCS). Encoding and decoding
 * sit side by side so that they cannot drift apart.
 *
 * <p>Wire shape: {@code {"common":{...}, <message fields>, "signature":"<detached JWS>"}}. The signature covers the
 * JCS bytes of the object without its {@code signature} member. Decoding never throws for bad input: it returns
 * {@link Decoded.Refused} with the SATP error code.
 */
public final class MessageCodec {
    /** Default size limit of one message on the wire. */
    public static final int DEFAULT_MAX_BYTES = 512 * 1024;

    private static final String SIGNATURE = "signature";

    private final ObjectMapper mapper;
    private final int maxBytes;

    public MessageCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    public MessageCodec(int maxBytes) {
        this.maxBytes = maxBytes;
        JsonMapper m = JsonMapper.builder()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                // an absent number or boolean reads as 0 or false; the records refuse what must not be zero
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
                .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
                .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false)
                .build();
        this.mapper = bounded(refuseCoercion(m), 32, maxBytes);
    }

    /**
     * Makes a reader take each value only as its field's JSON type: no {@code "12"} for a number, no {@code 1.9} for
     * an integer, no number or boolean for a string.
     */
    public static <M extends ObjectMapper> M refuseCoercion(M m) {
        m.coercionConfigDefaults()
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return m;
    }

    /** Bounds what a reader takes: nesting depth, string length, number length. */
    public static <M extends ObjectMapper> M bounded(M m, int maxDepth, int maxStringLength) {
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(maxStringLength)
                .maxNumberLength(32)
                .build());
        return m;
    }

    /** The JCS bytes a signature covers: the message without its signature. */
    public byte[] payload(SatpMessage message) {
        return canonical(mapper.valueToTree(message));
    }

    /** The message with its signature, as it will be transmitted (JCS text). */
    public SignedMessage seal(SatpMessage message, String signature) {
        ObjectNode tree = mapper.valueToTree(message);
        tree.set(SIGNATURE, TextNode.valueOf(signature));
        return SignedMessage.of(message, signature, new String(canonical(tree), StandardCharsets.UTF_8));
    }

    /** Decodes a received message (not verified yet: see {@code MessageVerifier}). */
    public Decoded decode(byte[] wire) {
        if (wire.length > maxBytes) {
            return refused(SatpError.PAYLOAD_TOO_LARGE, "message of " + wire.length + " bytes exceeds " + maxBytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(wire))
                    .toString();
        } catch (CharacterCodingException e) {
            return refused(SatpError.MALFORMED_MESSAGE, "a message is UTF-8 text");
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException | RuntimeException e) {
            return refused(SatpError.MALFORMED_MESSAGE, "not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return refused(SatpError.MALFORMED_MESSAGE, "a message is a JSON object");
        }
        ObjectNode tree = (ObjectNode) root;
        JsonNode common = tree.get("common");
        if (common == null || !common.isObject()) {
            return refused(SatpError.MALFORMED_MESSAGE, "common is required");
        }
        JsonNode typeNode = common.get("messageType");
        if (typeNode == null || !typeNode.isTextual()) {
            return refused(SatpError.UNKNOWN_MESSAGE_TYPE, "common.messageType is required");
        }
        Optional<MessageType> type = resolve(typeNode.asText(), tree);
        if (type.isEmpty()) {
            return refused(SatpError.UNKNOWN_MESSAGE_TYPE, "unknown message type " + typeNode.asText());
        }
        JsonNode signature = tree.get(SIGNATURE);
        if (signature == null || !signature.isTextual()) {
            return refused(SatpError.MALFORMED_MESSAGE, "signature is required");
        }
        ObjectNode unsigned = tree.deepCopy();
        unsigned.remove(SIGNATURE);
        byte[] payload;
        try {
            payload = canonical(unsigned);
        } catch (IllegalStateException e) {
            return refused(SatpError.MALFORMED_MESSAGE, "not canonicalisable JSON (RFC 8785): " + firstLine(e.getMessage()));
        }
        ObjectNode mapped = unsigned.deepCopy();
        ((ObjectNode) mapped.get("common")).put("messageType", type.get().wireName());
        SatpMessage message;
        try {
            message = mapper.treeToValue(mapped, type.get().recordType());
        } catch (ValueInstantiationException e) {
            String reason = e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage();
            return refused(SatpError.MALFORMED_MESSAGE, type.get().shortName() + ": " + reason);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return refused(SatpError.MALFORMED_MESSAGE, type.get().shortName() + ": " + firstLine(e.getMessage()));
        }
        return new Decoded.Message(
                SignedMessage.of(message, signature.asText(), text), payload);
    }

    /** JCS text of any JSON value made of records, lists, maps and scalars (log entries, claims). */
    public String canonicalJson(Object value) {
        return new String(canonical(mapper.valueToTree(value)), StandardCharsets.UTF_8);
    }

    /** Reads a value written by {@link #canonicalJson}; for data this gateway wrote itself. */
    public <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable " + type.getSimpleName() + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static Optional<MessageType> resolve(String name, ObjectNode tree) {
        Optional<MessageType> type = MessageType.lookup(name).or(() -> Optional.ofNullable(Aliases.INBOUND.get(name)));
        if (type.equals(Optional.of(MessageType.RECOVER_SUCCESS)) && tree.has(Aliases.FIELD_ONLY_IN_UPDATE_ACK)) {
            return Optional.of(MessageType.RECOVER_UPDATE_ACK);
        }
        return type;
    }

    private byte[] canonical(JsonNode tree) {
        try {
            return new JsonCanonicalizer(mapper.writeValueAsString(tree)).getEncodedUTF8();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Decoded refused(SatpError error, String detail) {
        return new Decoded.Refused(Rejection.of(error, detail));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
