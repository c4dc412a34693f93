package org.satpgateway.ejb.log;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * What an operator did to the gateway (pause or resume intake, retry or roll back a session, re-drive dead letters),
 * who did it, through which interface, and what came of it: the console's audit trail, in the log database. A session's
 * own log says what the session did about it.
 */
@Entity
@Table(name = "SATP_OPERATOR_ACTION", indexes = {
        @Index(name = "SATP_OPERATOR_ACTION_SESSION", columnList = "SESSION_ID"),
        @Index(name = "SATP_OPERATOR_ACTION_AT", columnList = "AT_MILLIS")})
public class OperatorActionEntity {
    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "AT_MILLIS", nullable = false)
    private long atMillis;

    @Column(name = "OPERATOR", length = 200, nullable = false)
    private String operator;

    @Column(name = "VIA", length = 10, nullable = false)
    private String via;

    @Column(name = "ACTION", length = 40, nullable = false)
    private String action;

    @Column(name = "SESSION_ID", length = 64)
    private String sessionId;

    @Column(name = "OUTCOME", length = 10, nullable = false)
    private String outcome;

    @Column(name = "DETAIL", length = 2000)
    private String detail;

    protected OperatorActionEntity() {
        // for JPA
    }

    public OperatorActionEntity(long atMillis, String operator, String via, String action, String sessionId,
            String outcome, String detail) {
        this.id = UUID.randomUUID().toString();
        this.atMillis = atMillis;
        this.operator = cut(operator, 200);
        this.via = via;
        this.action = action;
        this.sessionId = sessionId;
        this.outcome = outcome;
        this.detail = cut(detail, 2000);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    public long atMillis() {
        return atMillis;
    }

    public String operator() {
        return operator;
    }

    public String via() {
        return via;
    }

    public String action() {
        return action;
    }

    public String sessionId() {
        return sessionId;
    }

    public String outcome() {
        return outcome;
    }

    public String detail() {
        return detail;
    }
}
