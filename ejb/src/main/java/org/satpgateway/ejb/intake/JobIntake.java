package org.satpgateway.ejb.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.jms.Destination;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Logger;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.ejb.access.AccessControl;
import org.satpgateway.ejb.access.AccessTokens;
import org.satpgateway.ejb.access.Roles;
import org.satpgateway.ejb.console.IntakeGate;
import org.satpgateway.ejb.outbound.JmsChannel;
import org.satpgateway.ejb.outbound.JobEvents;
import org.satpgateway.ejb.recovery.RecoveryCoordinator;
import org.satpgateway.ejb.step.StepService;

/**
 * Where back-office jobs come in, by REST or JMS: checks the job, opens its session (or finds the earlier job with
 * the same transferContextId), and refuses an invalid job with its reason, creating nothing. Until start-up recovery
 * has run, no job is taken.
 */
@Stateless
public class JobIntake {
    private static final Logger LOG = Logger.getLogger(JobIntake.class.getName());
    /** Reads only the transferContextId of a refused job, to name it in the refusal. */
    private static final ObjectMapper CONTEXT_READER = new ObjectMapper();

    @EJB
    private StepService steps;

    @EJB
    private JmsChannel jms;

    @EJB
    private RecoveryCoordinator recovery;

    @EJB
    private AccessControl access;

    @EJB
    private IntakeGate gate;

    /** A job from {@code POST /api/v1/transfers}, submitted by the authenticated back office {@code caller}. */
    public StepService.Submission fromRest(String json, AccessTokens.Caller caller) {
        return submit(TransferJob.parse(json), "REST", caller);
    }

    /**
     * A job from {@code satp.jobs}: the answer goes to JMSReplyTo (if named) and refusals to the events topic. A body
     * that is not text ({@code json} null) is refused like a malformed job. {@code token} is the back office's access
     * token, which the job message carries as REST carries it in its header; without a valid one the job is refused.
     */
    public void fromQueue(String json, Destination replyTo, String messageId, String token) {
        TransferJob.Parsed parsed = json == null
                ? new TransferJob.Parsed.Invalid(Rejection.of(SatpError.MALFORMED_MESSAGE,
                        "a transfer job is a JMS TextMessage holding one JSON object"))
                : TransferJob.parse(json);
        AccessTokens.Caller caller = null;
        if (!(parsed instanceof TransferJob.Parsed.Invalid)) {
            try {
                caller = access.verify(token);
                if (!caller.roles().contains(Roles.BACK_OFFICE)) {
                    parsed = new TransferJob.Parsed.Invalid(Rejection.of(SatpError.NOT_AUTHORISED,
                            caller.name() + " may not submit jobs: it needs the role " + Roles.BACK_OFFICE));
                }
            } catch (AccessTokens.Refused e) {
                parsed = new TransferJob.Parsed.Invalid(Rejection.of(SatpError.NOT_AUTHORISED, "a job message carries its"
                        + " back office's access token in the property satpAccessToken; this one's is not accepted: "
                        + e.getMessage()));
            }
        }
        StepService.Submission s = submit(parsed, "JMS", caller);
        if (s instanceof StepService.Submission.Unavailable u) {
            // rolled back and redelivered later (satp.jobs allows enough attempts for a start-up)
            throw new IllegalStateException("job not taken yet: " + u.reason());
        }
        String context = parsed instanceof TransferJob.Parsed.Valid v ? v.job().transferContextId() : contextOf(json);
        Rejection refusal = s instanceof StepService.Submission.Refused r ? r.rejection()
                : s instanceof StepService.Submission.Conflict c ? Rejection.of(SatpError.INVALID_CONTEXT_ID, c.detail())
                : null;
        if (refusal != null) {
            String existing = s instanceof StepService.Submission.Conflict c ? c.jobId() : null;
            org.satpgateway.ejb.log.TransferLog.log(LOG, java.util.logging.Level.INFO, null, context,
                    () -> "refused a JMS job (message " + messageId + "): " + refusal);
            String event = JobEvents.refused(context, messageId, existing, refusal, Instant.now());
            jms.jobEvent(event, Map.of("state", "REFUSED"));
            if (replyTo != null) {
                jms.reply(replyTo, messageId, event);
            }
        } else if (s instanceof StepService.Submission.Accepted a && replyTo != null) {
            jms.reply(replyTo, messageId, JobEvents.accepted(a.jobId(), context, a.repeat()));
        }
    }

    /** The transferContextId of a job that was refused, when its body is JSON enough to say it. */
    private static String contextOf(String json) {
        if (json == null || json.length() > TransferJob.MAX_CHARS) {
            return null;
        }
        try {
            JsonNode id = CONTEXT_READER.readTree(json).path("transferContextId");
            return id.isTextual() && id.asText().length() <= 200 ? id.asText() : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    private StepService.Submission submit(TransferJob.Parsed parsed, String channel, AccessTokens.Caller caller) {
        if (!recovery.ready()) {
            return new StepService.Submission.Unavailable("the gateway is starting: " + recovery.state(), 2);
        }
        IntakeGate.State intake = gate.state();
        if (intake.paused()) {
            return new StepService.Submission.Unavailable("an operator paused intake (" + intake.by() + ", since "
                    + intake.since() + "); jobs are taken again once it is resumed, and nothing was created", 30);
        }
        if (parsed instanceof TransferJob.Parsed.Invalid invalid) {
            return new StepService.Submission.Refused(invalid.rejection());
        }
        TransferJob job = ((TransferJob.Parsed.Valid) parsed).job();
        if (caller == null || !caller.mayMove(job.originator())) {
            // the originator's consent, as the bank's identity provider grants it to this back office
            return new StepService.Submission.Refused(Rejection.of(SatpError.NOT_AUTHORISED, (caller == null ? "an"
                    + " unauthenticated caller" : caller.name()) + " is not authorised to move assets of " + job.originator()));
        }
        return steps.submit(job, channel, caller.name());
    }
}
