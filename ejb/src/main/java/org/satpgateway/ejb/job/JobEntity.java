package org.satpgateway.ejb.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * A back-office transfer job: the request as submitted and the session it opened (the job id is the session id).
 * The client's {@code transferContextId} is unique: submitting it again returns this job.
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

    protected JobEntity() {
        // for JPA
    }

    public JobEntity(String jobId, String transferContextId, String channel, long submittedAtMillis, String request) {
        this.jobId = jobId;
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

    /** The job as it was taken ({@link TransferJob#toJson()}). */
    public String request() {
        return request;
    }
}
