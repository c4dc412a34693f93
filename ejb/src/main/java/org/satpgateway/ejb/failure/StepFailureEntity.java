package org.satpgateway.ejb.failure;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * Why a delivery of a queued message failed and was rolled back (recorded in a transaction of its own). When the
 * broker gives up on the message and moves it to the dead-letter queue, these rows give the reason, keyed by the
 * JMS message id and the SATP session.
 */
@Entity
@Table(name = "SATP_STEP_FAILURE", indexes = @Index(name = "SATP_STEP_FAILURE_MESSAGE", columnList = "MESSAGE_ID"))
public class StepFailureEntity {
    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "MESSAGE_ID", length = 100)
    private String messageId;

    @Column(name = "QUEUE_NAME", length = 50, nullable = false)
    private String queue;

    @Column(name = "SESSION_ID", length = 64)
    private String sessionId;

    @Column(name = "MESSAGE_TYPE", length = 80)
    private String messageType;

    @Column(name = "DELIVERY_COUNT", nullable = false)
    private int deliveryCount;

    @Column(name = "FAILED_AT_MILLIS", nullable = false)
    private long failedAtMillis;

    @Column(name = "REASON", length = 2000, nullable = false)
    private String reason;

    protected StepFailureEntity() {
        // for JPA
    }

    StepFailureEntity(String messageId, String queue, String sessionId, String messageType, int deliveryCount,
            long failedAtMillis, String reason) {
        this.id = UUID.randomUUID().toString();
        this.messageId = messageId;
        this.queue = queue;
        this.sessionId = sessionId;
        this.messageType = messageType;
        this.deliveryCount = deliveryCount;
        this.failedAtMillis = failedAtMillis;
        this.reason = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
    }

    public String messageId() {
        return messageId;
    }

    public String queue() {
        return queue;
    }

    public String sessionId() {
        return sessionId;
    }

    public String messageType() {
        return messageType;
    }

    public int deliveryCount() {
        return deliveryCount;
    }

    public long failedAtMillis() {
        return failedAtMillis;
    }

    public String reason() {
        return reason;
    }
}
