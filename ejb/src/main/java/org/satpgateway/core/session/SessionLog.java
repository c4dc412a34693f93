package org.satpgateway.core.session;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.Hashes;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.log.LogCorruptedException;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.log.Operation;
import org.satpgateway.core.message.LockAssert;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.message.RecoverUpdate;
import org.satpgateway.core.message.RecoverUpdateAck;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.message.TransferProposal;
import org.satpgateway.core.message.TransferReject;

/**
 * The log is the truth: this class makes the entries of a step and rebuilds a session from entries alone.
 * {@link #apply} is the only way a session changes, both while a gateway runs and when it replays its log after a
 * crash, so a session rebuilt from any prefix of its log equals the session as it was at that point.
 */
public final class SessionLog {
    /** Type of the entry that escalates a session to an operator. */
    public static final String ALERT = "alert";
    /** Type of the entry that records an operator taking a session's alert in hand (a retry): the alert is cleared. */
    public static final String ALERT_CLEARED = "alert-cleared";

    private final MessageCodec codec;

    public SessionLog(MessageCodec codec) {
        this.codec = codec;
    }

    public MessageCodec codec() {
        return codec;
    }

    /** Rebuilds a session from its entries, checking their chain. Null for an empty log. */
    public Session replay(List<LogEntry> entries) {
        Session s = null;
        for (LogEntry e : entries) {
            s = apply(s, e);
        }
        return s;
    }

    /** The SHA-256 of an entry's canonical form: the next entry's {@code hashPrevEntry}. */
    public String hash(LogEntry entry) {
        return Hashes.sha256Hex(codec.canonicalJson(entry));
    }

    // ---- entries of a step -------------------------------------------------------------------------------------

    LogEntry sent(Session s, SignedMessage m, Instant now) {
        return messageEntry(s, m, Operation.DONE, now);
    }

    LogEntry received(Session s, SignedMessage m, Instant now) {
        return messageEntry(s, m, Operation.ACK, now);
    }

    LogEntry ledgerInit(Session s, LedgerAction action, Instant now) {
        return entry(s, s.lastSequence() + 1, action.wireName(), Operation.INIT, now,
                codec.canonicalJson(Map.of("key", action.key(s.sessionId()))));
    }

    LogEntry ledgerResult(Session s, LedgerResult result, Instant now) {
        long seq = s.lastSequence() + 1;
        String type = result.action().wireName();
        if (result instanceof LedgerResult.Done done) {
            return entry(s, seq, type, Operation.DONE, now,
                    codec.canonicalJson(Map.of("receipt", done.receipt(), "proof", done.proof())));
        }
        LedgerResult.Failed failed = (LedgerResult.Failed) result;
        // an action may fail again after an operator's retry: each failure's key is its own
        return entry(s, seq, type + "@" + Hashes.sha256Hex("fail" + s.entryCount()).substring(0, 16), Operation.FAIL, now,
                codec.canonicalJson(Map.of("errorCode", failed.errorCode(), "reason", failed.reason())));
    }

    /**
     * The ledger took the action and will make it final later: what finds it again. Keyed by the reference, so that
     * a resubmission (after a reorganisation dropped the first) gets an entry of its own.
     */
    LogEntry ledgerSubmitted(Session s, LedgerResult.Pending pending, Instant now) {
        return entry(s, s.lastSequence() + 1, pending.action().wireName() + "@"
                + Hashes.sha256Hex(pending.reference()).substring(0, 16), Operation.EXEC, now,
                codec.canonicalJson(Map.of("reference", pending.reference())));
    }

    /**
     * A new attempt at an action that failed, after an operator's retry: the action is open again and is performed
     * under the same idempotency key, so the ledger answers with what it holds (a refusal it recorded stays one).
     */
    LogEntry ledgerRetry(Session s, LedgerAction action, Instant now) {
        return entry(s, s.lastSequence() + 1, action.wireName() + "@" + Hashes.sha256Hex("retry" + s.entryCount()).substring(0, 16),
                Operation.INIT, now, codec.canonicalJson(Map.of("key", action.key(s.sessionId()))));
    }

    /** An operator took the session's alert in hand ({@code by} says who and how); the session may act on its own again. */
    LogEntry alertCleared(Session s, String by, Instant now) {
        return entry(s, s.lastSequence(), ALERT_CLEARED + "@" + Hashes.sha256Hex(by + s.entryCount()).substring(0, 16),
                Operation.DONE, now, codec.canonicalJson(Map.of("alert", s.alert(), "by", by)));
    }

    LogEntry alert(Session s, String reason, Instant now) {
        return entry(s, s.lastSequence(), ALERT + "@" + Hashes.sha256Hex(reason + s.entryCount()).substring(0, 16),
                Operation.FAIL, now, codec.canonicalJson(Map.of("reason", reason)));
    }

    private LogEntry messageEntry(Session s, SignedMessage m, Operation op, Instant now) {
        SatpMessage msg = m.message();
        if (msg.type().inChain()) {
            long seq = msg.common().sequenceNumber() > 0
                    ? msg.common().sequenceNumber()
                    : (s == null ? 1 : s.lastSequence() + 1);
            return entry(s, seq, msg.type().shortName(), op, now, m.wire());
        }
        // Messages outside the chain can recur at one chain position: the hash keeps their keys unique.
        return entry(s, s == null ? 0 : s.lastSequence(), msg.type().shortName() + "@" + m.hash().substring(0, 16),
                op, now, m.wire());
    }

    private LogEntry entry(Session s, long seq, String type, Operation op, Instant now, String data) {
        String sessionId = s == null ? sessionIdOf(data) : s.sessionId();
        return new LogEntry(sessionId, seq, type, op, now.toString(), data, s == null ? null : s.lastEntryHash());
    }

    private String sessionIdOf(String wire) {
        return decode(wire).message().message().common().sessionId();
    }

    // ---- evolution ---------------------------------------------------------------------------------------------

    /**
     * The session after one more entry. {@code s} is null before the first entry.
     *
     * @throws LogCorruptedException when the entry does not follow the session's log
     */
    public Session apply(Session s, LogEntry e) {
        String expectedPrev = s == null ? null : s.lastEntryHash();
        if (!java.util.Objects.equals(expectedPrev, e.hashPrevEntry())) {
            throw new LogCorruptedException("entry " + e.key() + " does not follow the previous entry");
        }
        if (s != null && !s.sessionId().equals(e.sessionId())) {
            throw new LogCorruptedException("entry " + e.key() + " belongs to another session");
        }
        Session.Builder b = s == null ? new Session.Builder() : s.toBuilder();
        String baseType = e.type().contains("@") ? e.type().substring(0, e.type().indexOf('@')) : e.type();
        if (baseType.equals(ALERT)) {
            b.alert = codec.read(e.data(), Map.class).get("reason").toString();
        } else if (baseType.equals(ALERT_CLEARED)) {
            requireSession(s, e);
            b.alert = null;
        } else if (LedgerAction.lookup(baseType).isPresent()) {
            requireSession(s, e);
            applyLedger(b, LedgerAction.fromWireName(baseType), e);
        } else if (MessageType.fromShortName(baseType).isPresent()) {
            applyMessage(b, s, e);
        } else {
            throw new LogCorruptedException("unknown entry type " + e.type());
        }
        b.entryCount++;
        b.lastEntryHash = hash(e);
        b.lastEntryTimestamp = e.timestamp();
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private void applyLedger(Session.Builder b, LedgerAction action, LogEntry e) {
        Map<String, Object> data = codec.read(e.data(), Map.class);
        switch (e.operation()) {
            case INIT -> {
                b.ledger.put(action, LedgerState.initiated());
                if (isUndo(b.role, action)) {
                    b.status = Status.ROLLING_BACK;
                }
            }
            case EXEC -> b.ledger.put(action, LedgerState.submitted((String) data.get("reference")));
            case DONE -> b.ledger.put(action, LedgerState.done((String) data.get("receipt"), (String) data.get("proof")));
            case FAIL -> b.ledger.put(action, LedgerState.failed((String) data.get("errorCode"), (String) data.get("reason")));
            default -> throw new LogCorruptedException("ledger entry with operation " + e.operation());
        }
    }

    /** True when this side did (or may have done) a ledger action that a rollback must undo. */
    static boolean holdsUndoable(Session.Builder b) {
        LedgerAction done = b.role == Role.CLIENT ? LedgerAction.LOCK : LedgerAction.CREATE;
        LedgerState state = b.ledger.get(done);
        return state != null && state.phase() != LedgerState.Phase.FAILED;
    }

    /** The actions that undo a transfer: the client's unlock, the server's burn of what it minted. */
    static boolean isUndo(Role role, LedgerAction action) {
        return role == Role.CLIENT ? action == LedgerAction.UNLOCK : action == LedgerAction.EXTINGUISH;
    }

    private void applyMessage(Session.Builder b, Session s, LogEntry e) {
        SignedMessage m = decode(e.data()).message();
        SatpMessage msg = m.message();
        boolean fromPeer = e.operation() == Operation.ACK;
        if (!fromPeer && e.operation() != Operation.DONE) {
            throw new LogCorruptedException("message entry with operation " + e.operation());
        }
        if (s == null) {
            if (!(msg instanceof TransferProposal proposal)) {
                throw new LogCorruptedException("a session's log starts with its transfer proposal");
            }
            b.sessionId = proposal.common().sessionId();
            b.transferContextId = proposal.common().transferContextId();
            b.role = fromPeer ? Role.SERVER : Role.CLIENT;
            b.proposal = proposal;
            b.hashTransferInitClaim = Hashes.sha256Hex(codec.canonicalJson(proposal.transferInitClaim()));
            b.peerKey = fromPeer
                    ? proposal.transferInitClaim().senderGatewaySignaturePublicKey()
                    : proposal.transferInitClaim().receiverGatewaySignaturePublicKey();
            b.ownKey = fromPeer
                    ? proposal.transferInitClaim().receiverGatewaySignaturePublicKey()
                    : proposal.transferInitClaim().senderGatewaySignaturePublicKey();
        }
        MessageType type = msg.type();
        if (fromPeer) {
            b.lastPeerMessageHash = m.hash();
            b.received.add(m.hash());
            if (ANSWERED.contains(type)) {
                b.awaitingAnswer = m.hash();
            }
        } else {
            rememberReply(b, msg, m);
        }
        if (type.inChain()) {
            b.lastSequence = e.sequenceNumber();
            b.lastMessageHash = m.hash();
            b.lastChainType = type;
            b.lastFromPeer = fromPeer;
            if (!fromPeer) {
                b.lastSentWire = m.wire();
            }
        }
        switch (type) {
            case TRANSFER_COMMENCE -> b.hashTransferCommence = m.hash();
            case LOCK_ASSERT -> b.lockExpiration = instantOrNull(((LockAssert) msg).lockAssertionExpiration());
            case TRANSFER_REJECT -> {
                b.status = Status.REJECTED;
                TransferReject reject = (TransferReject) msg;
                b.statusReason = reject.reasonCode() + " " + reject.reason();
            }
            case TRANSFER_COMPLETE -> b.status = Status.COMPLETED;
            case SESSION_ABORT -> {
                b.statusReason = ((org.satpgateway.core.message.SessionAbort) msg).reason();
                if (fromPeer && holdsUndoable(b)) {
                    // an abort after this side acted on its ledger is a request to roll back
                    b.status = Status.ROLLING_BACK;
                    b.rollbackRequested = true;
                } else {
                    b.status = Status.ABORTED;
                }
            }
            case ERROR -> {
                org.satpgateway.core.message.ErrorMessage error = (org.satpgateway.core.message.ErrorMessage) msg;
                b.statusReason = (fromPeer ? "counterpart reported " : "reported ") + error.errorCode() + " " + error.detail();
                if (fromPeer && SatpError.SESSION_NOT_FOUND.code().equals(error.errorCode())) {
                    b.counterpartLostSession = true;
                    b.unansweredRecoverWire = null;
                }
            }
            case ROLLBACK -> {
                b.status = Status.ROLLING_BACK;
                if (fromPeer) {
                    b.rollbackRequested = true;
                } else {
                    b.rollbackWire = m.wire();
                }
            }
            case RECOVER_UPDATE -> {
                if (fromPeer) {
                    b.counterpartLacksLast = msg.common().sequenceNumber() < b.lastSequence;
                    if (((RecoverUpdate) msg).hashRecoverMessage().equals(b.lastRecoverHash)) {
                        b.unansweredRecoverWire = null;
                        if (b.announcedKey != null) {
                            // the counterpart answered the recover-msg that announced the key: it checks with it now
                            b.ownKey = b.announcedKey;
                            b.announcedKey = null;
                        }
                    }
                }
            }
            case ROLLBACK_ACK -> {
                b.status = Status.ROLLED_BACK;
                b.rollbackWire = null;
            }
            case RECOVER -> {
                if (!fromPeer) {
                    b.lastRecoverHash = m.hash();
                    b.unansweredRecoverWire = m.wire();
                    b.announcedKey = ((Recover) msg).newIdentityPublicKey();
                } else if (((Recover) msg).newIdentityPublicKey() != null) {
                    b.peerKey = ((Recover) msg).newIdentityPublicKey();
                }
            }
            default -> {
                // the other messages change nothing beyond the chain fields above
            }
        }
    }

    /** The counterpart's messages outside the chain that this side answers. */
    private static final Set<MessageType> ANSWERED = EnumSet.of(MessageType.ROLLBACK,
            MessageType.RECOVER, MessageType.RECOVER_UPDATE, MessageType.RECOVER_UPDATE_ACK);

    /**
     * Records which received message a sent recovery or rollback answer answers: the counterpart's message it names,
     * or the last one that waits for an answer. (A chain message answers the chain message it names in
     * {@code hashPrevMessage}; the session keeps only the last one it sent, which is all a duplicate may need.)
     */
    private static void rememberReply(Session.Builder b, SatpMessage msg, SignedMessage m) {
        String answered = null;
        if (msg instanceof RecoverUpdate u) {
            answered = u.hashRecoverMessage();
        } else if (msg instanceof RecoverUpdateAck a) {
            answered = a.hashRecoverUpdateMessage();
        } else if (msg.type() == MessageType.RECOVER_SUCCESS || msg.type() == MessageType.ROLLBACK_ACK) {
            answered = b.awaitingAnswer;
        }
        if (answered != null && b.received.contains(answered)) {
            b.replies.put(answered, m.wire());
            if (answered.equals(b.awaitingAnswer)) {
                b.awaitingAnswer = null;
            }
        }
    }

    private static Instant instantOrNull(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private Decoded.Message decode(String wire) {
        Decoded d = codec.decode(wire.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (d instanceof Decoded.Message m) {
            return m;
        }
        throw new LogCorruptedException("unreadable message in log: " + ((Decoded.Refused) d).rejection());
    }

    private static void requireSession(Session s, LogEntry e) {
        if (s == null) {
            throw new LogCorruptedException("entry " + e.key() + " before the session's proposal");
        }
    }
}
