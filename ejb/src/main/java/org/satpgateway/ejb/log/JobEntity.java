package org.satpgateway.ejb.log;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * A back-office transfer job: the request as submitted and the session it opened (the job id is the session id).
 * The client's {@code transferContextId} is unique: submitting it again returns this job. The job keeps who
 * submitted it: the caller's authenticated name (REST: the token's subject; JMS: the broker's validated user, when the
 * broker names one).
 */
@Entity
@Table(name = "SATP_JOB", uniqueConstraints = @UniqueConstraint(name = "SATP_JOB_CONTEXT", columnNames = "TRANSFER_CONTEXT_ID"))
public class JobEntity {
    @Id
    @Column(name = "JOB_ID", length = 64)
    private String jobId;

    @Column(name = "TRANSFER_CONTEXT_ID", length = 200, nullable = false)
    private String transferContextId;

    @Column(name = "CHANNEL", length = 10, nullable = false)
    private String channel;

    @Column(name = "SUBMITTED_AT_MILLIS", nullable = false)
    private long submittedAtMillis;

    @Lob
    @Column(name = "REQUEST", nullable = false)
    private String request;

    @Column(name = "SUBMITTED_BY", length = 200)
    private String submittedBy;

    protected JobEntity() {
        // for JPA
    }

    public JobEntity(String jobId, String transferContextId, String channel, long submittedAtMillis, String request,
            String submittedBy) {
        this.jobId = jobId;
        this.submittedBy = submittedBy;
        this.transferContextId = transferContextId;
        this.channel = channel;
        this.submittedAtMillis = submittedAtMillis;
        this.request = request;
    }

    public String jobId() {
        return jobId;
    }

    public String transferContextId() {
        return transferContextId;
    }

    public String channel() {
        return channel;
    }

    public long submittedAtMillis() {
        return submittedAtMillis;
    }

    /** Who submitted the job; null when its channel authenticated nobody. */
    public String submittedBy() {
        return submittedBy;
    }

    /** The job as it was taken ({@code TransferJob.toJson()} of the intake). */
    public String request() {
        return request;
    }
}
