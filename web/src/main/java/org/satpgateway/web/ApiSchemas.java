package org.satpgateway.web;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The typed bodies of the REST interfaces, as the OpenAPI document ({@code /openapi}) describes them. The resources
 * read request bodies strictly themselves (size, UTF-8, duplicate keys, depth: {@link StrictJson}) and write the same
 * fields.
 */
final class ApiSchemas {
    private ApiSchemas() {
    }

    /** An RFC 9457 problem; SATP refusals carry the protocol's error code. */
    @Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
    record Problem(
            @Schema(description = "about:blank, or urn:ietf:params:satp:core:error:<err_x.y.z> for a refusal with a SATP"
                    + " error code") String type,
            String title,
            int status,
            String detail,
            @Schema(description = "when a SATP refusal was made", nullable = true) String timestamp) {}

    /** A back-office job. */
    @Schema(name = "TransferJob", description = "a transfer job; transferContextId is the idempotency key: a repeat"
            + " of the same job returns the first")
    record TransferJob(
            @Schema(required = true, maxLength = 200) String transferContextId,
            @Schema(required = true, maxLength = 200) String digitalAssetId,
            @Schema(required = true, maxLength = 200, example = "bond/v1") String assetProfileId,
            @Schema(required = true, minimum = "1") long amount,
            @Schema(required = true, maxLength = 200, example = "alice@bank-one") String originator,
            @Schema(required = true, maxLength = 200, example = "bob@bank-two") String beneficiary,
            @Schema(required = true) String originatorPublicKey,
            @Schema(required = true) String beneficiaryPublicKey,
            @Schema(description = "seconds until the transfer must have ended; the gateway's default when absent",
                    nullable = true) Long deadlineSeconds) {}

    /** One entry of a transfer's history. */
    @Schema(name = "HistoryEntry")
    record HistoryEntry(long sequenceNumber,
            @Schema(description = "a message's short name (lock-assert-msg), a ledger action (lock), or alert") String type,
            @Schema(enumeration = {"init", "exec", "done", "ack", "fail"}) String operation,
            String timestamp) {}

    /** A transfer as the back office and operators read it. */
    @Schema(name = "Transfer")
    record Transfer(String id, String transferContextId,
            @Schema(enumeration = {"CLIENT", "SERVER"}) String role,
            @Schema(enumeration = {"ACTIVE", "ROLLING_BACK", "COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED"}) String state,
            String step, String updatedAt,
            @Schema(nullable = true) String submittedAt,
            @Schema(nullable = true, enumeration = {"REST", "JMS"}) String channel,
            @Schema(nullable = true) String submittedBy,
            @Schema(description = "only on GET /api/v1/transfers/{id}") List<HistoryEntry> history,
            @Schema(description = "the recovery, rollback and alert entries of history") List<HistoryEntry> recoveries) {}

    /** An asset on the ledger. */
    @Schema(name = "Asset")
    record Asset(String assetId, String owner, long amount,
            @Schema(enumeration = {"FREE", "LOCKED", "BURNED"}) String state,
            @Schema(nullable = true) String lockedBy, @Schema(nullable = true) String createdBy) {}

    /** One action in an asset's ledger history. */
    @Schema(name = "LedgerRecord")
    record LedgerRecord(String network, String action, String sessionId, String assetId, long amount, String owner,
            String at) {}

    /** The ledger's total supply. */
    @Schema(name = "Supply")
    record Supply(String network, long totalSupply) {}

    /** An asset to issue (embedded default and tests). */
    @Schema(name = "IssueRequest")
    record IssueRequest(@Schema(required = true, maxLength = 200) String assetId,
            @Schema(required = true, maxLength = 200) String owner, @Schema(required = true, minimum = "1") long amount) {}
}
