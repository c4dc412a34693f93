package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every message type of SATP stages 1 to 3, errors, session abort and the crash recovery draft.
 *
 * <p>{@link #code()} is the stable numeric wire code, persisted and never renumbered; {@link #wireName()} is the
 * URN on the wire. Messages that are part of the session's hash chain carry a sequence number one above the
 * previous message; the others (errors, abort, recovery and rollback) refer to the chain without extending it.
 */
public enum MessageType {
    TRANSFER_PROPOSAL(1, Family.CORE, "transfer-proposal-msg", Sender.CLIENT, "1.1", TransferProposal.class),
    PROPOSAL_RECEIPT(2, Family.CORE, "proposal-receipt-msg", Sender.SERVER, "1.2", ProposalReceipt.class),
    TRANSFER_REJECT(12, Family.CORE, "reject-msg", Sender.SERVER, "1.2", TransferReject.class),
    TRANSFER_COMMENCE(3, Family.CORE, "transfer-commence-msg", Sender.CLIENT, "1.3", TransferCommence.class),
    ACK_COMMENCE(4, Family.CORE, "ack-commence-msg", Sender.SERVER, "1.4", AckCommence.class),
    LOCK_ASSERT(5, Family.CORE, "lock-assert-msg", Sender.CLIENT, "2.2", LockAssert.class),
    ASSERTION_RECEIPT(6, Family.CORE, "assertion-receipt-msg", Sender.SERVER, "2.4", AssertionReceipt.class),
    COMMIT_PREPARE(7, Family.CORE, "commit-prepare-msg", Sender.CLIENT, "3.1", CommitPrepare.class),
    COMMIT_READY(8, Family.CORE, "commit-ready-msg", Sender.SERVER, "3.3", CommitReady.class),
    COMMIT_FINAL(9, Family.CORE, "commit-final-msg", Sender.CLIENT, "3.5", CommitFinal.class),
    ACK_COMMIT_FINAL(10, Family.CORE, "ack-commit-final-msg", Sender.SERVER, "3.7", AckCommitFinal.class),
    TRANSFER_COMPLETE(11, Family.CORE, "commit-transfer-complete-msg", Sender.CLIENT, "3.9", TransferComplete.class),
    ERROR(20, Family.CORE, "error-msg", Sender.EITHER, "0.0", ErrorMessage.class),
    SESSION_ABORT(21, Family.CORE, "session-abort-msg", Sender.EITHER, "0.0", SessionAbort.class),
    RECOVER(30, Family.RECOVERY, "recover-msg", Sender.EITHER, "0.0", Recover.class),
    RECOVER_UPDATE(31, Family.RECOVERY, "recover-update-msg", Sender.EITHER, "0.0", RecoverUpdate.class),
    RECOVER_UPDATE_ACK(32, Family.RECOVERY, "recover-update-ack-msg", Sender.EITHER, "0.0", RecoverUpdateAck.class),
    RECOVER_SUCCESS(33, Family.RECOVERY, "recover-success-msg", Sender.EITHER, "0.0", RecoverSuccess.class),
    ROLLBACK(34, Family.RECOVERY, "rollback-msg", Sender.EITHER, "0.0", Rollback.class),
    ROLLBACK_ACK(35, Family.RECOVERY, "rollback-ack-msg", Sender.EITHER, "0.0", RollbackAck.class);

    /** Which URN namespace a type's wire name lives in. */
    public enum Family {
        CORE("urn:ietf:params:satp:core:msgtype:"),
        RECOVERY("urn:ietf:SATP-2pc:msgtype:");

        private final String prefix;

        Family(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /** Which gateway role sends a message of this type. */
    public enum Sender {
        CLIENT,
        SERVER,
        EITHER
    }

    private static final Map<String, MessageType> BY_WIRE_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(MessageType::wireName, Function.identity()));

    private final int code;
    private final String wireName;
    private final String shortName;
    private final Sender sender;
    private final String errorPrefix;
    private final Class<? extends SatpMessage> recordType;

    MessageType(int code, Family family, String shortName, Sender sender, String errorPrefix,
            Class<? extends SatpMessage> recordType) {
        this.code = code;
        this.wireName = family.prefix() + shortName;
        this.shortName = shortName;
        this.sender = sender;
        this.errorPrefix = errorPrefix;
        this.recordType = recordType;
    }

    /** Stable numeric code (persisted, never an ordinal). */
    public int code() {
        return code;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The name without its URN prefix, as used in log entries: {@code lock-assert-msg}. */
    public String shortName() {
        return shortName;
    }

    public Sender sender() {
        return sender;
    }

    public Class<? extends SatpMessage> recordType() {
        return recordType;
    }

    /** True for the numbered messages of stages 1 to 3 that extend the session's hash chain. */
    public boolean inChain() {
        return code <= 12;
    }

    /** The message-specific error code for a field mismatch: {@code err_<stage>.<msg>.<n>}. */
    public String mismatchCode(int n) {
        return "err_" + errorPrefix + "." + n;
    }

    @JsonCreator
    public static MessageType fromWireName(String wireName) {
        MessageType type = BY_WIRE_NAME.get(wireName);
        if (type == null) {
            throw new IllegalArgumentException("unknown message type " + wireName);
        }
        return type;
    }

    public static Optional<MessageType> lookup(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    public static Optional<MessageType> fromShortName(String shortName) {
        return Stream.of(values()).filter(t -> t.shortName.equals(shortName)).findFirst();
    }

    public static Optional<MessageType> fromCode(int code) {
        return Stream.of(values()).filter(t -> t.code == code).findFirst();
    }
}
