package org.satpgateway.web;

import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The door of the back-office and operator JSON bodies: {@code application/json} (a charset, if named, is UTF-8), at
 * most a given number of bytes, valid UTF-8. Anything else is answered with a problem before the body is parsed.
 */
final class StrictJson {
    /** How much of an oversized body is read so that its sender gets the answer; past it the connection closes. */
    private static final long DRAIN_LIMIT = 1024 * 1024;

    private StrictJson() {}

    /** The body as text, or the problem that refuses it. */
    sealed interface Body {
        record Text(String json) implements Body {}

        record Refused(Response problem) implements Body {}
    }

    static Body read(String contentType, InputStream in, int maxBytes) throws IOException {
        if (!isJson(contentType)) {
            return new Body.Refused(Problems.of(415, "Unsupported media type",
                    "the body must be application/json in UTF-8, not " + (contentType == null ? "untyped" : contentType)));
        }
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            Response tooLarge = Problems.of(413, "Payload too large", "the body may have at most " + maxBytes + " bytes");
            return new Body.Refused(drain(in, DRAIN_LIMIT) ? tooLarge
                    : Response.fromResponse(tooLarge).header("Connection", "close").build());
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new Body.Text(text);
        } catch (CharacterCodingException e) {
            return new Body.Refused(Problems.of(400, "Not UTF-8", "the body is not valid UTF-8"));
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            if (kv[0].trim().equalsIgnoreCase("charset")
                    && (kv.length < 2 || !kv[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
                return false;
            }
        }
        return true;
    }

    /** Reads the rest of a body; false when it goes on past {@code limit} bytes. */
    static boolean drain(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            total += n;
            if (total > limit) {
                return false;
            }
        }
        return true;
    }
}
