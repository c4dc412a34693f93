package org.satpgateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;

/** RFC 9457 problem responses ({@code application/problem+json}), with SATP error codes where one applies. */
final class Problems {
    static final String MEDIA_TYPE = "application/problem+json";
    /** Instants as RFC 3339 text (their toString), as everywhere else on the interfaces. */
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
            .addSerializer(java.time.Instant.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance));

    private Problems() {}

    /** A refusal with its SATP error: type {@code urn:ietf:params:satp:core:error:<code>}, the error's HTTP status. */
    static Response of(Rejection r) {
        SatpError e = r.error();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", SatpError.TYPE_PREFIX + r.code());
        body.put("title", e.title());
        body.put("status", e.httpStatus());
        body.put("detail", r.detail());
        body.put("timestamp", Instant.now().toString());
        return Response.status(e.httpStatus()).type(MEDIA_TYPE).entity(json(body)).build();
    }

    /** A refusal with its SATP error's type and title, answered with another HTTP status than the error's own. */
    static Response of(int status, Rejection r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", SatpError.TYPE_PREFIX + r.code());
        body.put("title", r.error().title());
        body.put("status", status);
        body.put("detail", r.detail());
        body.put("timestamp", Instant.now().toString());
        return Response.status(status).type(MEDIA_TYPE).entity(json(body)).build();
    }

    /** A problem that is not a SATP error (unknown transfer, a disabled operation). */
    static Response of(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type(MEDIA_TYPE).entity(json(body)).build();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
