package org.satpgateway.core.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.TransferProposal;

/**
 * One gateway's view of one transfer, derived from its log alone ({@link SessionLog}): nothing here is kept that
 * the log does not say. Immutable; a transition returns a new session.
 *
 * @param proposal the transfer proposal of the session (message 1), the same on both sides
 * @param peerKey the key the counterpart signs with now
 * @param ownKey the key the counterpart knows this gateway signs this session's messages with (from the proposal, or
 *     from a recover-msg that announced a new key and that the counterpart answered)
 * @param announcedKey a new key this gateway announced in its last recover-msg, until the counterpart answers it
 * @param lastSequence chain position of the last chain message logged (sent or received)
 * @param lastMessageHash hash of that message as transmitted: the next message's {@code hashPrevMessage}
 * @param lastChainType its type
 * @param lastFromPeer whether the counterpart sent it (then this gateway owes the next step)
 * @param lastPeerMessageHash hash of the last message received from the counterpart (duplicate detection)
 * @param lastSentWire this gateway's last chain message as transmitted (resent on request or timeout)
 * @param rollbackWire this gateway's rollback-msg, while it waits for the answer
 * @param rollbackRequested the counterpart asked to roll back
 * @param ledger the ledger actions of this side, by action
 * @param alert why an operator must look at the session, or null
 * @param lastRecoverHash hash of this gateway's last recover-msg (the answer must name it)
 * @param counterpartLacksLast the counterpart's last recover-update-msg showed it lacks this side's last chain message
 * @param counterpartLostSession the counterpart answered recovery with "session not found"
 * @param entryCount how many log entries the session has
 * @param lastEntryHash hash of the last log entry (the next entry's {@code hashPrevEntry})
 * @param lastEntryTimestamp the time of the last log entry
 * @param lockExpiration when the lock asserted in lock-assert-msg expires, or null before it was sent (received)
 * @param received hashes of every message received from the counterpart (duplicate detection by content, whatever
 *     came since)
 * @param replies for a received recovery or rollback message, this gateway's message that answered it, as
 *     transmitted (a chain message's answer is this gateway's next chain message; only the last is kept)
 * @param awaitingAnswer hash of the counterpart's last message outside the chain (a recovery or rollback message)
 *     that this gateway has not answered yet
 * @param unansweredRecoverWire this gateway's last recover-msg as transmitted, until the counterpart answers it
 */
public record Session(
        String sessionId,
        String transferContextId,
        Role role,
        TransferProposal proposal,
        String hashTransferInitClaim,
        String hashTransferCommence,
        PublicJwk peerKey,
        PublicJwk ownKey,
        PublicJwk announcedKey,
        long lastSequence,
        String lastMessageHash,
        MessageType lastChainType,
        boolean lastFromPeer,
        String lastPeerMessageHash,
        String lastSentWire,
        String rollbackWire,
        boolean rollbackRequested,
        Map<LedgerAction, LedgerState> ledger,
        Status status,
        String statusReason,
        String alert,
        String lastRecoverHash,
        boolean counterpartLacksLast,
        boolean counterpartLostSession,
        long entryCount,
        String lastEntryHash,
        String lastEntryTimestamp,
        Instant lockExpiration,
        Set<String> received,
        Map<String, String> replies,
        String awaitingAnswer,
        String unansweredRecoverWire) {

    public Session {
        ledger = ledger.isEmpty()
                ? Collections.emptyMap()
                : Collections.unmodifiableMap(new EnumMap<>(ledger));
        received = Set.copyOf(received);
        replies = Map.copyOf(replies);
    }

    /** True once the lock asserted to the counterpart has expired: no mint and no burn from then on. */
    public boolean lockExpired(Instant now) {
        return lockExpiration != null && !now.isBefore(lockExpiration);
    }

    /** Whether {@code messageHash} is a message this gateway already received from the counterpart. */
    public boolean receivedBefore(String messageHash) {
        return received.contains(messageHash);
    }

    /** The transfer's deadline: the proposal's time plus its {@code maxTimeout}, known to both gateways. */
    public Instant deadline() {
        return proposal.common().time().plus(Duration.ofMillis(proposal.maxTimeout()));
    }

    public boolean pastDeadline(Instant now) {
        return now.isAfter(deadline());
    }

    public Optional<LedgerState> ledger(LedgerAction action) {
        return Optional.ofNullable(ledger.get(action));
    }

    /** True once the action was at least intended (its init entry is logged). */
    public boolean started(LedgerAction action) {
        return ledger.containsKey(action);
    }

    public boolean done(LedgerAction action) {
        return ledger(action).map(LedgerState::isDone).orElse(false);
    }

    /**
     * True once the source asset is (or may be) burned: for G1 when it began the burn (and the ledger did not refuse
     * it), for G2 when it received commit-final-msg (or began to assign). From there on the transfer only goes
     * forward.
     */
    public boolean pastPointOfNoReturn() {
        return role == Role.CLIENT
                ? ledger(LedgerAction.EXTINGUISH).map(l -> l.phase() != LedgerState.Phase.FAILED).orElse(false)
                : started(LedgerAction.ASSIGN) || lastSequence >= MessageType.COMMIT_FINAL.code();
    }

    /**
     * True once a step of this session may have acted on this gateway's ledger, committed or not: the step that
     * locks (G1, on ack-commence-msg, after it sent transfer-commence-msg) or mints (G2, on commit-prepare-msg, after
     * it sent assertion-receipt-msg) may have run. Before that, the ledger knows nothing of the session and need not
     * be asked.
     */
    public boolean mayHaveActed() {
        return role == Role.CLIENT
                ? lastSequence >= MessageType.TRANSFER_COMMENCE.code()
                : lastSequence >= MessageType.ASSERTION_RECEIPT.code();
    }

    /** True when this side did (or may have done) the ledger action a rollback must undo: lock or mint. */
    public boolean holdsUndoable() {
        LedgerAction action = role == Role.CLIENT ? LedgerAction.LOCK : LedgerAction.CREATE;
        return ledger(action).map(l -> l.phase() != LedgerState.Phase.FAILED).orElse(false);
    }

    /** The last message this gateway sent that still waits for an answer, or null. */
    /** True when one of this side's ledger actions is submitted and the ledger has not made it final yet. */
    public boolean awaitsLedger() {
        return ledger.values().stream().anyMatch(l -> l.phase() == LedgerState.Phase.SUBMITTED);
    }

    public String pendingWire() {
        if (status == Status.ROLLING_BACK) {
            return rollbackWire;
        }
        if (status == Status.ACTIVE && !lastFromPeer) {
            return lastSentWire;
        }
        return null;
    }

    /** The SATP phase for recover-msg: {@code stage-1}, {@code stage-2} or {@code stage-3}. */
    public String satpPhase() {
        if (lastSequence <= 4) {
            return "stage-1";
        }
        return lastSequence <= 6 ? "stage-2" : "stage-3";
    }

    /** A short description of where the session stands, for status pages and recovery events. */
    public String step() {
        if (status.terminal()) {
            return status.name().toLowerCase(java.util.Locale.ROOT);
        }
        String last = lastChainType.shortName() + " #" + lastSequence;
        return lastFromPeer ? "received " + last : "sent " + last + ", waiting";
    }

    Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable copy used only while applying one log entry. */
    static final class Builder {
        String sessionId;
        String transferContextId;
        Role role;
        TransferProposal proposal;
        String hashTransferInitClaim;
        String hashTransferCommence;
        PublicJwk peerKey;
        PublicJwk ownKey;
        PublicJwk announcedKey;
        long lastSequence;
        String lastMessageHash;
        MessageType lastChainType;
        boolean lastFromPeer;
        String lastPeerMessageHash;
        String lastSentWire;
        String rollbackWire;
        boolean rollbackRequested;
        EnumMap<LedgerAction, LedgerState> ledger = new EnumMap<>(LedgerAction.class);
        Status status = Status.ACTIVE;
        String statusReason;
        String alert;
        String lastRecoverHash;
        boolean counterpartLacksLast;
        boolean counterpartLostSession;
        long entryCount;
        String lastEntryHash;
        String lastEntryTimestamp;
        Instant lockExpiration;
        java.util.HashSet<String> received = new java.util.HashSet<>();
        java.util.HashMap<String, String> replies = new java.util.HashMap<>();
        /** The counterpart's last message outside the chain that waits for this side's answer. */
        String awaitingAnswer;
        String unansweredRecoverWire;

        Builder() {}

        Builder(Session s) {
            sessionId = s.sessionId;
            transferContextId = s.transferContextId;
            role = s.role;
            proposal = s.proposal;
            hashTransferInitClaim = s.hashTransferInitClaim;
            hashTransferCommence = s.hashTransferCommence;
            peerKey = s.peerKey;
            ownKey = s.ownKey;
            announcedKey = s.announcedKey;
            lastSequence = s.lastSequence;
            lastMessageHash = s.lastMessageHash;
            lastChainType = s.lastChainType;
            lastFromPeer = s.lastFromPeer;
            lastPeerMessageHash = s.lastPeerMessageHash;
            lastSentWire = s.lastSentWire;
            rollbackWire = s.rollbackWire;
            rollbackRequested = s.rollbackRequested;
            ledger.putAll(s.ledger);
            status = s.status;
            statusReason = s.statusReason;
            alert = s.alert;
            lastRecoverHash = s.lastRecoverHash;
            counterpartLacksLast = s.counterpartLacksLast;
            counterpartLostSession = s.counterpartLostSession;
            entryCount = s.entryCount;
            lastEntryHash = s.lastEntryHash;
            lastEntryTimestamp = s.lastEntryTimestamp;
            lockExpiration = s.lockExpiration;
            received.addAll(s.received);
            replies.putAll(s.replies);
            awaitingAnswer = s.awaitingAnswer;
            unansweredRecoverWire = s.unansweredRecoverWire;
        }

        Builder withPeerKey(PublicJwk key) {
            peerKey = key;
            return this;
        }

        Session build() {
            return new Session(sessionId, transferContextId, role, proposal, hashTransferInitClaim,
                    hashTransferCommence, peerKey, ownKey, announcedKey, lastSequence, lastMessageHash, lastChainType, lastFromPeer,
                    lastPeerMessageHash, lastSentWire, rollbackWire, rollbackRequested, ledger, status, statusReason,
                    alert, lastRecoverHash, counterpartLacksLast, counterpartLostSession, entryCount, lastEntryHash, lastEntryTimestamp,
                    lockExpiration, received, replies, awaitingAnswer, unansweredRecoverWire);
        }
    }
}
