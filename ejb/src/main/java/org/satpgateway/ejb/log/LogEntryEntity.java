package org.satpgateway.ejb.log;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.log.Operation;

/**
 * One row per log entry. The unique constraint on the protocol's key (session, sequence number, type, operation)
 * is the durable exactly-once guard: a message processed twice cannot commit its entries twice.
 */
@Entity
@Table(name = "SATP_LOG_ENTRY",
        uniqueConstraints = @UniqueConstraint(name = "SATP_LOG_ENTRY_KEY",
                columnNames = {"SESSION_ID", "SEQUENCE_NUMBER", "ENTRY_TYPE", "OPERATION"}),
        indexes = @Index(name = "SATP_LOG_ENTRY_SESSION", columnList = "SESSION_ID, POSITION"))
public class LogEntryEntity {
    @Id
    @Column(name = "ID", length = 100)
    private String id;

    @Column(name = "SESSION_ID", length = 64, nullable = false)
    private String sessionId;

    /** The entry's place in its session's log, from 1. */
    @Column(name = "POSITION", nullable = false)
    private long position;

    @Column(name = "SEQUENCE_NUMBER", nullable = false)
    private long sequenceNumber;

    @Column(name = "ENTRY_TYPE", length = 80, nullable = false)
    private String type;

    @Column(name = "OPERATION", length = 8, nullable = false)
    private String operation;

    @Column(name = "ENTRY_TIMESTAMP", length = 40, nullable = false)
    private String timestamp;

    @Lob
    @Column(name = "DATA", nullable = false)
    private String data;

    @Column(name = "HASH_PREV_ENTRY", length = 64)
    private String hashPrevEntry;

    protected LogEntryEntity() {
        // for JPA
    }

    LogEntryEntity(LogEntry e, long position) {
        this.id = e.sessionId() + ":" + position;
        this.sessionId = e.sessionId();
        this.position = position;
        this.sequenceNumber = e.sequenceNumber();
        this.type = e.type();
        this.operation = e.operation().wireName();
        this.timestamp = e.timestamp();
        this.data = e.data();
        this.hashPrevEntry = e.hashPrevEntry();
    }

    LogEntry toEntry() {
        return new LogEntry(sessionId, sequenceNumber, type, Operation.fromWireName(operation), timestamp, data, hashPrevEntry);
    }
}
