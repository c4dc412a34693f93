package org.satpgateway.core.message;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/** Field checks shared by the message records' constructors; each failure names the field. */
final class Require {
    private Require() {}

    static String nonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static <T> T present(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " is required");
    }

    static String timestamp(String value, String field) {
        nonBlank(value, field);
        try {
            Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an RFC 3339 timestamp");
        }
        return value;
    }

    static String sha256Hex(String value, String field) {
        nonBlank(value, field);
        if (!value.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(field + " is not a SHA-256 hex digest");
        }
        return value;
    }

    static <T> List<T> list(List<T> value, String field) {
        present(value, field);
        for (T item : value) {
            present(item, field + "[]");
        }
        return List.copyOf(value);
    }
}
