package org.satpgateway.core.message;

/**
 * One SATP message, without its signature. Each permitted record is one message of {@code protocol.md} and
 * carries the shared {@link Common} fields; its signature travels beside it in a {@code SignedMessage}.
 */
public sealed interface SatpMessage
        permits TransferProposal, ProposalReceipt, TransferReject, TransferCommence, AckCommence, LockAssert,
                AssertionReceipt, CommitPrepare, CommitReady, CommitFinal, AckCommitFinal, TransferComplete,
                ErrorMessage, SessionAbort, Recover, RecoverUpdate, RecoverUpdateAck, RecoverSuccess, Rollback,
                RollbackAck {

    Common common();

    default MessageType type() {
        return common().messageType();
    }

    /** Checks, in a record's constructor, that its header names the record's own type. */
    static Common typed(Common common, MessageType expected) {
        Require.present(common, "common");
        if (common.messageType() != expected) {
            throw new IllegalArgumentException(
                    "common.messageType " + common.messageType().wireName() + " does not fit " + expected.shortName());
        }
        return common;
    }
}
