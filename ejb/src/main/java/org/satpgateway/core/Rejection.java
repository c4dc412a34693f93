package org.satpgateway.core;

import java.util.Objects;

/**
 * Why a message, a job or a transition was refused: a SATP error, the exact wire code (which may be the
 * message-specific form of the error, such as {@code err_2.2.3} for a broken hash chain in lock-assert-msg)
 * and a human-readable detail. A rejection is an expected value, never an exception, and it never comes with a
 * changed session.
 */
public record Rejection(SatpError error, String code, String detail) {
    public Rejection {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    public static Rejection of(SatpError error, String detail) {
        return new Rejection(error, error.code(), detail);
    }

    @Override
    public String toString() {
        return code + " " + detail;
    }
}
