package org.satpgateway.ejb.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.session.Session;

/** The JSON events published on {@code satp.job.events} (docs/back-office.md). */
public final class JobEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobEvents() {}

    /** A job's session moved: its state and current step. */
    public static String of(Session s, Instant at) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("jobId", s.sessionId());
        e.put("transferContextId", s.transferContextId());
        e.put("state", s.status().name());
        e.put("step", s.step());
        e.put("at", at.toString());
        return write(e);
    }

    /**
     * A job was refused: nothing was created. It names the job as far as it can be read: its transferContextId (null
     * when the body is not JSON), the JMS message id it came with, and, when the transferContextId belongs to another
     * job, that job's id.
     */
    public static String refused(String transferContextId, String jobMessageId, String jobId, Rejection r, Instant at) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("jobId", jobId);
        e.put("transferContextId", transferContextId);
        e.put("jobMessageId", jobMessageId);
        e.put("state", "REFUSED");
        e.put("errorCode", r.code());
        e.put("detail", r.detail());
        e.put("at", at.toString());
        return write(e);
    }

    /** The answer to a JMS job on its JMSReplyTo destination. */
    public static String accepted(String jobId, String transferContextId, boolean repeat) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("jobId", jobId);
        e.put("transferContextId", transferContextId);
        e.put("state", "ACCEPTED");
        e.put("repeat", repeat);
        return write(e);
    }

    static String write(Map<String, Object> e) {
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
