package org.satpgateway.web;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The typed bodies of the REST interfaces, as the OpenAPI document ({@code /openapi}) describes them. The resources
 * read request bodies strictly themselves (size, UTF-8, duplicate keys, depth: {@link StrictJson}) and write the same
 * fields. Classes with annotated fields, not records: Payara 6's OpenAPI processor fails on a {@code @Schema} that a
 * record component passes on to its accessor method.
 */
final class ApiSchemas {
    private ApiSchemas() {
    }

    /** An RFC 9457 problem; SATP refusals carry the protocol's error code. */
    @Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
    static final class Problem {
        @Schema(description = "about:blank, or urn:ietf:params:satp:core:error:<err_x.y.z> for a refusal with a SATP"
                + " error code")
        public String type;
        public String title;
        public int status;
        public String detail;
        @Schema(description = "when a SATP refusal was made", nullable = true)
        public String timestamp;
    }

    /** A back-office job. */
    @Schema(name = "TransferJob", description = "a transfer job; transferContextId is the idempotency key: a repeat"
            + " of the same job returns the first")
    static final class TransferJob {
        @Schema(required = true, maxLength = 200)
        public String transferContextId;
        @Schema(required = true, maxLength = 200)
        public String digitalAssetId;
        @Schema(required = true, maxLength = 200, example = "bond/v1")
        public String assetProfileId;
        @Schema(required = true, minimum = "1")
        public long amount;
        @Schema(required = true, maxLength = 200, example = "alice@bank-one")
        public String originator;
        @Schema(required = true, maxLength = 200, example = "bob@bank-two")
        public String beneficiary;
        @Schema(required = true)
        public String originatorPublicKey;
        @Schema(required = true)
        public String beneficiaryPublicKey;
        @Schema(description = "seconds until the transfer must have ended; the gateway's default when absent",
                nullable = true)
        public Long deadlineSeconds;
    }

    /** One entry of a transfer's history. */
    @Schema(name = "HistoryEntry")
    static final class HistoryEntry {
        public long sequenceNumber;
        @Schema(description = "a message's short name (lock-assert-msg), a ledger action (lock), or alert")
        public String type;
        @Schema(enumeration = {"init", "exec", "done", "ack", "fail"})
        public String operation;
        public String timestamp;
    }

    /** A transfer as the back office and operators read it. */
    @Schema(name = "Transfer")
    static final class Transfer {
        public String id;
        public String transferContextId;
        @Schema(enumeration = {"CLIENT", "SERVER"})
        public String role;
        @Schema(enumeration = {"ACTIVE", "ROLLING_BACK", "COMPLETED", "ROLLED_BACK", "ABORTED", "REJECTED"})
        public String state;
        public String step;
        public String updatedAt;
        @Schema(nullable = true)
        public String submittedAt;
        @Schema(nullable = true, enumeration = {"REST", "JMS"})
        public String channel;
        @Schema(nullable = true)
        public String submittedBy;
        @Schema(description = "only on GET /api/v1/transfers/{id}")
        public List<HistoryEntry> history;
        @Schema(description = "the recovery, rollback and alert entries of history")
        public List<HistoryEntry> recoveries;
    }

    /** An asset on the ledger. */
    @Schema(name = "Asset")
    static final class Asset {
        public String assetId;
        public String owner;
        public long amount;
        @Schema(enumeration = {"FREE", "LOCKED", "BURNED"})
        public String state;
        @Schema(nullable = true)
        public String lockedBy;
        @Schema(nullable = true)
        public String createdBy;
    }

    /** One action in an asset's ledger history. */
    @Schema(name = "LedgerRecord")
    static final class LedgerRecord {
        public String network;
        public String action;
        public String sessionId;
        public String assetId;
        public long amount;
        public String owner;
        public String at;
    }

    /** The ledger's total supply. */
    @Schema(name = "Supply")
    static final class Supply {
        public String network;
        public long totalSupply;
    }

    /** An asset to issue (embedded default and tests). */
    @Schema(name = "IssueRequest")
    static final class IssueRequest {
        @Schema(required = true, maxLength = 200)
        public String assetId;
        @Schema(required = true, maxLength = 200)
        public String owner;
        @Schema(required = true, minimum = "1")
        public long amount;
    }
}
