package org.satpgateway.ejb.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.TransferInitClaim;
import org.satpgateway.core.session.TransferOrder;
import org.satpgateway.ejb.step.StepService;

/**
 * A back-office transfer job, the JSON that arrives on {@code POST /api/v1/transfers} and on the {@code satp.jobs}
 * queue (docs/back-office.md):
 * <pre>{"transferContextId": "...", "digitalAssetId": "...", "assetProfileId": "bond/v1", "amount": 1000,
 *  "originator": "...", "beneficiary": "...", "originatorPublicKey": "...", "beneficiaryPublicKey": "...",
 *  "deadlineSeconds": 300}</pre>
 * {@code deadlineSeconds} is optional (the gateway's default applies). Parsing is strict: one JSON object of at most
 * {@link #MAX_CHARS} characters, no unknown or repeated field, nothing after it, no value of another JSON type than
 * its field's (no {@code "12"} for a number, no {@code 1.9} for an integer, no number for a string). Every field is
 * bounded as the gateways' log and ledger columns are: ids and accounts at 200 characters, keys at 4000, the amount
 * at {@link TransferInitClaim#MAX_AMOUNT}.
 */
public record TransferJob(
        String transferContextId,
        String digitalAssetId,
        String assetProfileId,
        Long amount,
        String originator,
        String beneficiary,
        String originatorPublicKey,
        String beneficiaryPublicKey,
        Long deadlineSeconds) implements StepService.Job {

    /** The largest job accepted, in characters (a job is a few hundred). */
    public static final int MAX_CHARS = 16 * 1024;
    private static final int MAX_ID = 200;
    private static final int MAX_KEY = 4000;

    private static final ObjectMapper JSON = StrictJsonMapper.create(MAX_CHARS);

    /** The parsed job, or why it is refused. */
    public sealed interface Parsed {
        record Valid(TransferJob job) implements Parsed {}

        record Invalid(Rejection rejection) implements Parsed {}
    }

    /** Parses and checks a job; every problem names its field. */
    public static Parsed parse(String json) {
        if (json != null && json.length() > MAX_CHARS) {
            return invalid(SatpError.PAYLOAD_TOO_LARGE, "a transfer job is at most " + MAX_CHARS + " characters");
        }
        TransferJob job;
        try {
            job = JSON.readValue(json, TransferJob.class);
        } catch (UnrecognizedPropertyException e) {
            return invalid(SatpError.MALFORMED_MESSAGE, "unknown field " + e.getPropertyName());
        } catch (JsonProcessingException e) {
            return invalid(SatpError.MALFORMED_MESSAGE, "not a transfer job: " + e.getOriginalMessage());
        }
        if (job == null) {
            return invalid(SatpError.MALFORMED_MESSAGE, "not a transfer job: empty body");
        }
        return job.problem().<Parsed>map(Parsed.Invalid::new).orElseGet(() -> new Parsed.Valid(job));
    }

    private Optional<Rejection> problem() {
        List<String> missing = new ArrayList<>();
        check(missing, "transferContextId", transferContextId);
        check(missing, "digitalAssetId", digitalAssetId);
        check(missing, "assetProfileId", assetProfileId);
        check(missing, "originator", originator);
        check(missing, "beneficiary", beneficiary);
        check(missing, "originatorPublicKey", originatorPublicKey);
        check(missing, "beneficiaryPublicKey", beneficiaryPublicKey);
        if (!missing.isEmpty()) {
            return Optional.of(Rejection.of(SatpError.MALFORMED_MESSAGE, "missing or blank: " + String.join(", ", missing)));
        }
        Optional<Rejection> tooLong = tooLong(SatpError.INVALID_CONTEXT_ID, "transferContextId", transferContextId, MAX_ID)
                .or(() -> tooLong(SatpError.INVALID_ASSET_ID, "digitalAssetId", digitalAssetId, MAX_ID))
                .or(() -> tooLong(SatpError.INVALID_ASSET_PROFILE, "assetProfileId", assetProfileId, MAX_ID))
                .or(() -> tooLong(SatpError.INVALID_ORIGINATOR, "originator", originator, MAX_ID))
                .or(() -> tooLong(SatpError.INVALID_BENEFICIARY, "beneficiary", beneficiary, MAX_ID))
                .or(() -> tooLong(SatpError.INVALID_ORIGINATOR, "originatorPublicKey", originatorPublicKey, MAX_KEY))
                .or(() -> tooLong(SatpError.INVALID_BENEFICIARY, "beneficiaryPublicKey", beneficiaryPublicKey, MAX_KEY));
        if (tooLong.isPresent()) {
            return tooLong;
        }
        if (amount == null || amount <= 0 || amount > TransferInitClaim.MAX_AMOUNT) {
            return Optional.of(Rejection.of(SatpError.INVALID_AMOUNT, "amount must be an integer from 1 to "
                    + TransferInitClaim.MAX_AMOUNT));
        }
        if (deadlineSeconds != null && (deadlineSeconds < 5 || deadlineSeconds > 7 * 24 * 3600)) {
            return Optional.of(Rejection.of(SatpError.MALFORMED_MESSAGE, "deadlineSeconds must be between 5 and 604800"));
        }
        return Optional.empty();
    }

    private static Optional<Rejection> tooLong(SatpError error, String field, String value, int max) {
        return value.length() > max
                ? Optional.of(Rejection.of(error, field + " is longer than " + max + " characters"))
                : Optional.empty();
    }

    private static void check(List<String> missing, String name, String value) {
        if (value == null || value.isBlank()) {
            missing.add(name);
        }
    }

    private static Parsed invalid(SatpError error, String detail) {
        return new Parsed.Invalid(Rejection.of(error, detail));
    }

    /** The order the client state machine takes for this job. */
    @Override
    public TransferOrder toOrder(String sessionId, TransferOrder.Counterpart counterpart, int maxRetries, Duration defaultDeadline) {
        Duration deadline = deadlineSeconds == null ? defaultDeadline : Duration.ofSeconds(deadlineSeconds);
        return new TransferOrder(sessionId, transferContextId, digitalAssetId, assetProfileId, amount, originator,
                beneficiary, originatorPublicKey, beneficiaryPublicKey, counterpart, maxRetries, deadline);
    }

    /** The job as JSON (stored with the job). */
    @Override
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
