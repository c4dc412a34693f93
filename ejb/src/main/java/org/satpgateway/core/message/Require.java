package org.satpgateway.core.message;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/** Field checks shared by the message records' constructors; each failure names the field. */
final class Require {
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Require() {}

    static String nonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    /** Longest identifier a message may carry: the width of the log's and the ledgers' columns that keep it. */
    static final int MAX_ID = 200;
    /** Longest session id (a UUID, with room to spare). */
    static final int MAX_SESSION_ID = 64;
    /** Longest key or free text field, such as a public key or an error's detail. */
    static final int MAX_TEXT = 4000;

    /** A required value of at most {@code max} characters: longer input is refused before it reaches a column. */
    static String bounded(String value, String field, int max) {
        nonBlank(value, field);
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " has " + value.length() + " characters; at most " + max);
        }
        return value;
    }

    static <T> T present(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " is required");
    }

    static String timestamp(String value, String field) {
        bounded(value, field, 40);
        Instant t;
        try {
            t = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an RFC 3339 timestamp");
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new IllegalArgumentException(field + " is outside the years 2000 to 9999");
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
