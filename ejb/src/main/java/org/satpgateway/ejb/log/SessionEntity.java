package org.satpgateway.ejb.log;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * The index of a session: where its log ends and, for status queries and recovery, what the log last said of it.
 * Derived from the log in the same commit as the entries; the log stays the truth. The version column makes two
 * steps of one session that run at once conflict, so one of them rolls back and is redelivered.
 */
@Entity
@Table(name = "SATP_SESSION", indexes = {
        @Index(name = "SATP_SESSION_STATUS", columnList = "STATUS"),
        @Index(name = "SATP_SESSION_TIMEOUT", columnList = "TIMEOUT_AT_MILLIS")})
public class SessionEntity {
    @Id
    @Column(name = "SESSION_ID", length = 64)
    private String sessionId;

    @Column(name = "LAST_POSITION", nullable = false)
    private long lastPosition;

    @Column(name = "TRANSFER_CONTEXT_ID", length = 200)
    private String transferContextId;

    @Column(name = "ROLE", length = 10)
    private String role;

    @Column(name = "STATUS", length = 20)
    private String status;

    @Column(name = "STEP", length = 200)
    private String step;

    @Column(name = "UPDATED_AT_MILLIS", nullable = false)
    private long updatedAtMillis;

    /** When the session's timer fires (epoch millis), or null when none is armed. Survives restarts. */
    @Column(name = "TIMEOUT_AT_MILLIS")
    private Long timeoutAtMillis;

    @Column(name = "TIMEOUT_ATTEMPT", nullable = false)
    private int timeoutAttempt;

    @Version
    @Column(name = "VERSION", nullable = false)
    private long version;

    protected SessionEntity() {
        // for JPA
    }

    SessionEntity(String sessionId) {
        this.sessionId = sessionId;
    }

    /** How many entries the session's log holds (the position of its last entry). */
    public long lastPosition() {
        return lastPosition;
    }

    long nextPosition() {
        return ++lastPosition;
    }

    void describe(String transferContextId, String role, String status, String step, long atMillis) {
        this.transferContextId = transferContextId;
        this.role = role;
        this.status = status;
        this.step = step;
        this.updatedAtMillis = atMillis;
    }

    void arm(long atMillis, int attempt) {
        this.timeoutAtMillis = atMillis;
        this.timeoutAttempt = attempt;
    }

    void cancelTimeout() {
        this.timeoutAtMillis = null;
    }

    public Long timeoutAtMillis() {
        return timeoutAtMillis;
    }

    public int timeoutAttempt() {
        return timeoutAttempt;
    }

    public String transferContextId() {
        return transferContextId;
    }

    public String role() {
        return role;
    }

    public long updatedAtMillis() {
        return updatedAtMillis;
    }

    public String sessionId() {
        return sessionId;
    }

    public String status() {
        return status;
    }

    public String step() {
        return step;
    }
}
