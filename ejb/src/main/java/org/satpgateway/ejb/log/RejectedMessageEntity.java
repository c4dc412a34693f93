package org.satpgateway.ejb.log;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * A message the gateway refused after it was queued (bad place in the chain, bad claim, ...): kept with its
 * reason for operators, never silently dropped. The session it names is unchanged.
 */
@Entity
@Table(name = "SATP_REJECTED_MESSAGE", indexes = @Index(name = "SATP_REJECTED_SESSION", columnList = "SESSION_ID"))
public class RejectedMessageEntity {
    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "SESSION_ID", length = 64)
    private String sessionId;

    @Column(name = "RECEIVED_AT_MILLIS", nullable = false)
    private long receivedAtMillis;

    @Column(name = "ERROR_CODE", length = 20, nullable = false)
    private String errorCode;

    @Column(name = "DETAIL", length = 1000, nullable = false)
    private String detail;

    @Lob
    @Column(name = "WIRE", nullable = false)
    private String wire;

    protected RejectedMessageEntity() {
        // for JPA
    }

    public RejectedMessageEntity(String sessionId, long receivedAtMillis, String errorCode, String detail, String wire) {
        this.id = UUID.randomUUID().toString();
        this.sessionId = sessionId;
        this.receivedAtMillis = receivedAtMillis;
        this.errorCode = errorCode;
        this.detail = detail.length() > 1000 ? detail.substring(0, 1000) : detail;
        this.wire = wire;
    }

    public String sessionId() {
        return sessionId;
    }

    public long receivedAtMillis() {
        return receivedAtMillis;
    }

    public String errorCode() {
        return errorCode;
    }

    public String detail() {
        return detail;
    }
}
