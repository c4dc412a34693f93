package org.satpgateway.core.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.message.AssertionClaim;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.ErrorMessage;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.Rollback;
import org.satpgateway.core.message.RollbackAck;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.message.SessionAbort;

/**
 * What both state machines share: a pure function from (session, input, now) to a {@link Transition}. Inputs are
 * a received message, a ledger result, a timeout, or a resume after the session was rebuilt from its log. Every
 * change goes through log entries ({@link SessionLog#apply}); a rejection leaves the session untouched.
 *
 * <p>What this gateway owes next is always derived from the session ({@link #advance}), so the same code continues
 * a session in normal flow, after a timeout, and after a crash at any point.
 */
public abstract class SessionMachine {
    /** For each chain message, the counterpart's messages that may answer it. */
    private static final Map<MessageType, Set<MessageType>> ANSWERS = new EnumMap<>(Map.of(
            MessageType.TRANSFER_PROPOSAL, EnumSet.of(MessageType.PROPOSAL_RECEIPT, MessageType.TRANSFER_REJECT),
            MessageType.PROPOSAL_RECEIPT, EnumSet.of(MessageType.TRANSFER_COMMENCE),
            MessageType.TRANSFER_COMMENCE, EnumSet.of(MessageType.ACK_COMMENCE),
            MessageType.ACK_COMMENCE, EnumSet.of(MessageType.LOCK_ASSERT),
            MessageType.LOCK_ASSERT, EnumSet.of(MessageType.ASSERTION_RECEIPT),
            MessageType.ASSERTION_RECEIPT, EnumSet.of(MessageType.COMMIT_PREPARE),
            MessageType.COMMIT_PREPARE, EnumSet.of(MessageType.COMMIT_READY),
            MessageType.COMMIT_READY, EnumSet.of(MessageType.COMMIT_FINAL),
            MessageType.COMMIT_FINAL, EnumSet.of(MessageType.ACK_COMMIT_FINAL),
            MessageType.ACK_COMMIT_FINAL, EnumSet.of(MessageType.TRANSFER_COMPLETE)));

    protected final MessageSigner signer;
    protected final SessionLog log;
    protected final SessionPolicy policy;
    protected final MessageVerifier verifier = new MessageVerifier();

    protected SessionMachine(MessageSigner signer, SessionLog log, SessionPolicy policy) {
        this.signer = signer;
        this.log = log;
        this.policy = policy;
    }

    /** The role this machine plays. */
    public abstract Role role();

    protected Role peerRole() {
        return role() == Role.CLIENT ? Role.SERVER : Role.CLIENT;
    }

    // ---- inputs -------------------------------------------------------------------------------------------------

    /** A message from the counterpart, already decoded. Verified here before anything changes. */
    public Transition receive(Session s, Decoded.Message in, Instant now) {
        return receive(s, in, now, true);
    }

    /**
     * A message from the counterpart; with {@code carryOn} false it is only logged (verified, applied to the
     * session), and what this side owes after it waits: the counterpart's messages that recovery hands over are
     * applied that way, and the protocol resumes once recover-success confirms the exchange.
     */
    Transition receive(Session s, Decoded.Message in, Instant now, boolean carryOn) {
        SatpMessage msg = in.message().message();
        Optional<Rejection> origin = verifier.verifyOrigin(s, in, peerRole());
        if (origin.isPresent()) {
            return new Transition.Rejected(origin.get());
        }
        if (s.receivedBefore(in.message().hash())) {
            return duplicate(s, in.message().hash(), now);
        }
        if (s.status().terminal()) {
            return rejected(SatpError.SESSION_CLOSED, "session is " + s.status().name().toLowerCase());
        }
        if (msg.type().inChain()) {
            return receiveChain(s, in, now, carryOn);
        }
        return switch (msg.type()) {
            case ERROR -> receiveError(s, in, now, carryOn);
            case SESSION_ABORT -> receiveAbort(s, in, now, carryOn);
            case ROLLBACK -> receiveRollback(s, in, now, carryOn);
            case ROLLBACK_ACK -> receiveRollbackAck(s, in, now);
            default -> rejected(SatpError.OUT_OF_SEQUENCE, msg.type().shortName() + " belongs to the recovery exchange");
        };
    }

    /**
     * What the ledger holds for this session's actions, asked before any other input of a step is fed in: the ledger
     * commits on its own, so a step that acted on it and then failed to commit (a crash, say) leaves the action done
     * and the log silent. Every action the ledger reports and the log does not know as ended is logged here (its
     * intent, when missing, and its result), so that every decision that follows (deadline, rollback, recovery,
     * abort) rests on what the ledger really did. An action the ledger took and has not made final yet (a chain
     * waiting for confirmations) is logged as submitted: it has started, and a rollback undoes it. Nothing else
     * happens: the input that follows decides. Only actions the ledger did or took are taken; one it refused changed
     * nothing there.
     *
     * @param recorded the ledger's results for this session's actions, by action (absent: the ledger never acted)
     */
    public Transition reconcile(Session s, Map<LedgerAction, LedgerResult> recorded, Instant now) {
        if (s == null || s.status().terminal() || recorded.isEmpty()) {
            return new Transition.Accepted(s, List.of());
        }
        Step st = new Step(s, now);
        for (LedgerAction action : LedgerAction.values()) {
            LedgerResult result = recorded.get(action);
            Optional<LedgerState> logged = st.session.ledger(action);
            // A refused action changed nothing on the ledger: it counts as not done, and the state machine meets the
            // refusal again (and reacts to it) when it performs the action, which returns the stored result.
            if (result == null || result instanceof LedgerResult.Failed
                    || (logged.isPresent() && !logged.get().isOpen())) {
                continue;
            }
            if (result instanceof LedgerResult.Pending pending) {
                // submitted, perhaps in effect already, not final: the action has started, whatever the log says
                if (logged.isEmpty() || logged.get().phase() == LedgerState.Phase.INITIATED) {
                    if (logged.isEmpty()) {
                        st.append(log.ledgerInit(st.session, action, now));
                    }
                    st.append(log.ledgerSubmitted(st.session, pending, now));
                }
                continue;
            }
            if (logged.isEmpty()) {
                st.append(log.ledgerInit(st.session, action, now));
            }
            st.append(log.ledgerResult(st.session, result, now));
        }
        return st.accepted();
    }

    /** The result of a ledger action this machine asked for. */
    public Transition onLedgerResult(Session s, LedgerResult result, Instant now) {
        Optional<LedgerState> state = s.ledger(result.action());
        if (state.isEmpty()) {
            return rejected(SatpError.OUT_OF_SEQUENCE, "no " + result.action().wireName() + " was asked for");
        }
        if (!state.get().isOpen()) {
            return new Transition.Accepted(s, List.of());
        }
        Step st = new Step(s, now);
        if (result instanceof LedgerResult.Pending pending) {
            // taken, not final: log what finds it again (once per submission) and ask again after the poll delay;
            // nothing waits meanwhile, and the session's timer brings the next ask
            if (state.get().phase() != LedgerState.Phase.SUBMITTED || !pending.reference().equals(state.get().reference())) {
                st.append(log.ledgerSubmitted(s, pending, now));
            }
            st.effects.add(new Effect.ArmTimeout(now.plus(policy.ledgerPoll()), 0));
            return st.accepted();
        }
        st.append(log.ledgerResult(s, result, now));
        if (result instanceof LedgerResult.Failed failed) {
            onLedgerFailure(st, failed);
        } else {
            advance(st);
        }
        return st.accepted();
    }

    /**
     * A timer fired. Before the deadline: resend what waits for an answer (up to {@code maxRetries}, then ask for
     * recovery), or redo what this gateway owes. Past the deadline: roll back where the protocol allows it.
     */
    public Transition onTimeout(Session s, int attempt, Instant now) {
        if (s.status().terminal() || s.alert() != null) {
            // a session that needs an operator waits for one: no resend, no recovery round, no growing log
            return new Transition.Accepted(s, List.of());
        }
        Step st = new Step(s, now);
        if (s.status() == Status.ACTIVE && s.pastDeadline(now)) {
            onDeadline(st);
            if (!st.entries.isEmpty() || !st.effects.isEmpty()) {
                return st.accepted();
            }
        }
        if (s.awaitsLedger()) {
            // the timer is the ledger poll: ask the ledger again (performing a submitted action asks; it never acts
            // twice); its answer carries the session on (onLedgerResult)
            for (LedgerAction action : LedgerAction.values()) {
                if (s.ledger(action).filter(l -> l.phase() == LedgerState.Phase.SUBMITTED).isPresent()) {
                    st.effects.add(new Effect.PerformLedgerAction(request(s, action)));
                }
            }
            return st.accepted();
        }
        String pending = s.pendingWire();
        if (pending != null && attempt >= s.proposal().maxRetries()) {
            st.effects.add(new Effect.StartRecovery("no answer after " + attempt + " attempts", attempt + 1));
            return st.accepted();
        }
        if (pending != null) {
            st.effects.add(new Effect.Send(decode(pending)));
            st.effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(attempt + 1)), attempt + 1));
            return st.accepted();
        }
        advance(st);
        if (!st.session.status().terminal()) {
            st.effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(attempt + 1)), attempt + 1));
        }
        return st.accepted();
    }

    /**
     * An operator's retry of a session that looks stuck: ask the ledger again about an action it has not confirmed,
     * resend the message that waits for an answer, do what this side owes, or, when none of these applies, start a
     * recovery round with the counterpart. An ended session is refused. {@code s} is the session reconciled with the
     * ledger.
     *
     * <p>A session that waits for an operator (an alert in its log) is taken in hand first: the alert is cleared in
     * the log, with {@code by}, and an action whose failure raised it ({@link #retriableAfterAlert}) is performed
     * again under its idempotency key. The ledger answers with what it holds: an action it never took (a ledger that
     * was down, a transaction that reverted) is taken now, a refusal it recorded is met again and raises the alert
     * again. Then the session goes on as it would have on its own.
     */
    public Transition retry(Session s, String by, Instant now) {
        if (s.status().terminal()) {
            return new Transition.Rejected(Rejection.of(SatpError.SESSION_CLOSED, "the session already ended ("
                    + s.status() + "): there is nothing to retry"));
        }
        Step st = new Step(s, now);
        boolean performAgain = false;
        if (s.alert() != null) {
            st.append(log.alertCleared(s, by, now));
            for (LedgerAction action : LedgerAction.values()) {
                if (st.session.ledger(action).filter(l -> l.phase() == LedgerState.Phase.FAILED).isPresent()
                        && retriableAfterAlert(st.session, action)) {
                    st.append(log.ledgerRetry(st.session, action, now));
                    performAgain = true;
                }
            }
            s = st.session;
        }
        if (performAgain) {
            advance(st); // the action is open again: what this side owes performs it
            if (!st.session.status().terminal()) {
                st.effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(1)), 1));
            }
            return st.accepted();
        }
        if (s.awaitsLedger()) {
            for (LedgerAction action : LedgerAction.values()) {
                if (s.ledger(action).filter(l -> l.phase() == LedgerState.Phase.SUBMITTED).isPresent()) {
                    st.effects.add(new Effect.PerformLedgerAction(request(s, action)));
                }
            }
            return st.accepted();
        }
        String pending = s.pendingWire();
        if (pending != null) {
            st.effects.add(new Effect.Send(decode(pending)));
            st.effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(1)), 1));
            return st.accepted();
        }
        advance(st);
        if (st.effects.isEmpty()) {
            st.effects.add(new Effect.StartRecovery(st.entries.isEmpty() ? "an operator retried the session"
                    : "an operator retried the session after its alert", 1));
        } else if (!st.session.status().terminal()) {
            st.effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(1)), 1));
        }
        return st.accepted();
    }

    /**
     * An operator's forced rollback: what the deadline would do, now, where the table "continue or roll back" allows
     * it (protocol.md). Refused once the session ended, while it already rolls back, and once this side may no
     * longer roll back on its own (past the burn; on the server side, once it minted: only the client knows
     * whether it burned). {@code s} is the session reconciled with the ledger, so a burn the log does not know yet
     * refuses it too.
     */
    public Transition forceRollback(Session s, String reason, Instant now) {
        if (s.status().terminal()) {
            return new Transition.Rejected(Rejection.of(SatpError.SESSION_CLOSED, "the session already ended ("
                    + s.status() + ")"));
        }
        if (s.status() == Status.ROLLING_BACK) {
            return new Transition.Rejected(Rejection.of(SatpError.SESSION_CLOSED, "the session is already rolling back"));
        }
        Optional<Rejection> refused = mayForceRollback(s);
        if (refused.isPresent()) {
            return new Transition.Rejected(refused.get());
        }
        Step st = new Step(s, now);
        beginRollback(st, reason);
        return st.accepted();
    }

    /** Why this side may not roll back on an operator's word now; empty when it may. */
    protected Optional<Rejection> mayForceRollback(Session s) {
        return mayRollBack(s);
    }

    /** Continues a session rebuilt from its log: redoes the ledger action or sends the message this side owes. */
    public Transition resume(Session s, Instant now) {
        Step st = new Step(s, now);
        advance(st);
        return st.accepted();
    }

    /**
     * The error-msg that answers a refused message. It is not logged: a refused message changes nothing, and the
     * runtime keeps it with its reason (rejected-message log or dead-letter queue).
     */
    public SignedMessage errorFor(Decoded.Message offending, Rejection rejection, Instant now) {
        Common c = offending.message().message().common();
        return signer.sign(new ErrorMessage(Common.of(MessageType.ERROR, c.sessionId(), c.transferContextId(),
                0, offending.message().hash(), now), rejection.code(), rejection.error().title(), rejection.detail()));
    }

    // ---- role-specific rules ------------------------------------------------------------------------------------

    /** Adds what this side owes after the counterpart's last chain message. */
    protected abstract void owe(Step st);

    /** Adds what this side owes while rolling back. */
    protected abstract void rollbackAdvance(Step st);

    /** Checks a chain message's content (claims, hashes), after its place in the chain was checked. */
    protected abstract Optional<Rejection> checkContent(Session s, SatpMessage msg, Instant now);

    protected abstract void onLedgerFailure(Step st, LedgerResult.Failed failed);

    /** Starts rolling back on this side's own initiative, as far as this side may (see the role). */
    protected abstract void beginRollback(Step st, String reason);

    /** The counterpart reported an error about this side's pending message: roll back unless past no return. */
    protected void onPeerError(Step st, ErrorMessage error) {
        if (st.session.pastPointOfNoReturn()) {
            st.alert("counterpart error " + error.errorCode() + " after the burn: the transfer can only go forward");
        } else {
            beginRollback(st, "counterpart error " + error.errorCode());
        }
    }

    /** The deadline passed while the session is active: roll back, unless the burn makes it forward only. */
    protected void onDeadline(Step st) {
        if (!st.session.pastPointOfNoReturn()) {
            beginRollback(st, "deadline passed");
        }
    }

    /** Whether this side may roll back now: not once the source asset is burned. */
    protected Optional<Rejection> mayRollBack(Session s) {
        if (s.pastPointOfNoReturn()) {
            return Optional.of(Rejection.of(SatpError.SESSION_CLOSED,
                    "the asset was burned on the source ledger: the transfer can only go forward"));
        }
        return Optional.empty();
    }

    /** The ledger request for one of this side's actions. */
    protected abstract LedgerRequest request(Session s, LedgerAction action);

    /**
     * True when a failure of {@code action} left the session waiting for an operator rather than deciding its path
     * (a failed lock aborts, a failed burn or mint rolls back: those are never performed again), so that an
     * operator's retry performs it again.
     */
    protected abstract boolean retriableAfterAlert(Session s, LedgerAction action);

    // ---- shared flow ----------------------------------------------------------------------------------------------

    /** Adds whatever this side owes now; nothing when it waits for the counterpart. */
    protected final void advance(Step st) {
        Session s = st.session;
        if (s.status().terminal()) {
            return;
        }
        if (s.status() == Status.ROLLING_BACK) {
            rollbackAdvance(st);
        } else if (s.lastFromPeer()) {
            owe(st);
        }
    }

    private Transition receiveChain(Session s, Decoded.Message in, Instant now, boolean carryOn) {
        SatpMessage msg = in.message().message();
        if (s.status() == Status.ROLLING_BACK) {
            return rejected(SatpError.SESSION_CLOSED, "session is rolling back");
        }
        Set<MessageType> expected = s.lastFromPeer() ? Set.of() : ANSWERS.getOrDefault(s.lastChainType(), Set.of());
        if (!expected.contains(msg.type())) {
            return rejected(SatpError.OUT_OF_SEQUENCE, msg.type().shortName() + " #" + msg.common().sequenceNumber()
                    + " does not follow " + s.step());
        }
        Optional<Rejection> problem = verifier.verifyPlace(s, msg).or(() -> checkContent(s, msg, now));
        if (problem.isPresent()) {
            return new Transition.Rejected(problem.get());
        }
        Step st = new Step(s, now);
        st.append(log.received(s, in.message(), now));
        if (carryOn) {
            st.effects.add(new Effect.CancelTimeout());
            advance(st);
        }
        return st.accepted();
    }

    private Transition receiveError(Session s, Decoded.Message in, Instant now, boolean carryOn) {
        ErrorMessage error = (ErrorMessage) in.message().message();
        Step st = new Step(s, now);
        st.append(log.received(s, in.message(), now));
        String pending = s.pendingWire();
        boolean aboutPending = pending != null
                && decode(pending).hash().equals(error.common().hashPrevMessage());
        if (aboutPending && s.status() == Status.ACTIVE && carryOn) {
            onPeerError(st, error);
        }
        return st.accepted();
    }

    private Transition receiveAbort(Session s, Decoded.Message in, Instant now, boolean carryOn) {
        Optional<Rejection> refusal = mayRollBack(s);
        Step st = new Step(s, now);
        if (refusal.isPresent()) {
            st.append(log.alert(s, "counterpart aborted a session that can only go forward: " + refusal.get().detail(), now));
            st.effects.add(new Effect.Alert(st.session.alert()));
            return st.accepted();
        }
        st.append(log.received(s, in.message(), now));
        if (carryOn) {
            advance(st);
        }
        return st.accepted();
    }

    private Transition receiveRollback(Session s, Decoded.Message in, Instant now, boolean carryOn) {
        Optional<Rejection> refusal = mayRollBack(s);
        if (refusal.isPresent()) {
            return new Transition.Rejected(refusal.get());
        }
        Step st = new Step(s, now);
        st.append(log.received(s, in.message(), now));
        if (carryOn) {
            st.effects.add(new Effect.CancelTimeout());
            advance(st);
        }
        return st.accepted();
    }

    private Transition receiveRollbackAck(Session s, Decoded.Message in, Instant now) {
        if (s.status() != Status.ROLLING_BACK || s.rollbackWire() == null) {
            return rejected(SatpError.OUT_OF_SEQUENCE, "no rollback-msg waits for an answer");
        }
        Step st = new Step(s, now);
        st.append(log.received(s, in.message(), now));
        return st.accepted();
    }

    /**
     * The counterpart sent a message this gateway already received (by content, whatever came since): it changes
     * nothing, and is answered with the reply stored for it when the counterpart may lack that reply.
     * <ul>
     *   <li>A chain message is answered with this side's reply only while that reply still waits for its answer (the
     *       counterpart's later messages show it has every earlier reply; answering those would echo).</li>
     *   <li>A recovery or rollback message is answered with the stored recover-update, recover-update-ack,
     *       recover-success or rollback-ack.</li>
     *   <li>While this side rolls back, its rollback-msg answers anything the counterpart repeats.</li>
     *   <li>The counterpart's last chain message that this side has not answered yet (the step that owed the answer
     *       did not finish) makes this side do what it owes now.</li>
     * </ul>
     * A reply made moments ago is not sent again: the repeat crossed it on the way.
     */
    private Transition duplicate(Session s, String hash, Instant now) {
        String reply = s.replies().get(hash);
        String pending = s.pendingWire();
        if (reply == null && pending != null && hash.equals(decode(pending).message().common().hashPrevMessage())) {
            reply = pending;
        }
        if (reply == null && s.rollbackWire() != null) {
            reply = s.rollbackWire();
        }
        if (reply == null) {
            if (s.status() == Status.ACTIVE && s.lastFromPeer() && hash.equals(s.lastMessageHash())) {
                Step st = new Step(s, now);
                advance(st);
                return st.accepted();
            }
            return new Transition.Accepted(s, List.of());
        }
        boolean recent = s.lastEntryTimestamp() != null
                && Instant.parse(s.lastEntryTimestamp()).plus(policy.retryBase().dividedBy(2)).isAfter(now);
        if (recent) {
            return new Transition.Accepted(s, List.of());
        }
        return new Transition.Accepted(s, List.of(new Effect.Send(decode(reply))));
    }

    // ---- helpers for the role rules -----------------------------------------------------------------------------

    /** Performs {@code action} if not done yet, then sends the message built from its claim. */
    protected final void ledgerThenSend(Step st, LedgerAction action, Function<AssertionClaim, SatpMessage> message) {
        Session s = st.session;
        Optional<LedgerState> state = s.ledger(action);
        if (state.isEmpty()) {
            st.append(log.ledgerInit(s, action, st.now));
            st.effects.add(new Effect.PerformLedgerAction(request(s, action)));
        } else if (state.get().isOpen()) {
            st.effects.add(new Effect.PerformLedgerAction(request(s, action)));
        } else if (state.get().isDone()) {
            st.send(message.apply(claim(state.get())));
        }
    }

    /** Performs an undo action unless done; true when it is done. */
    protected final boolean undone(Step st, LedgerAction action) {
        Optional<LedgerState> state = st.session.ledger(action);
        if (state.isEmpty()) {
            st.append(log.ledgerInit(st.session, action, st.now));
            st.effects.add(new Effect.PerformLedgerAction(request(st.session, action)));
            return false;
        }
        if (state.get().isOpen()) {
            st.effects.add(new Effect.PerformLedgerAction(request(st.session, action)));
            return false;
        }
        if (state.get().phase() == LedgerState.Phase.FAILED) {
            if (st.session.alert() == null) {
                st.alert(action.wireName() + " failed during rollback: " + state.get().reason());
            }
            return false;
        }
        return true;
    }

    /** Sends rollback-msg (when this side started the rollback) or rollback-ack (when the counterpart did). */
    protected final void finishRollback(Step st, List<LedgerAction> undone) {
        Session s = st.session;
        List<String> actions = undone.stream().map(LedgerAction::wireName).toList();
        List<String> proofs = undone.stream().map(a -> s.ledger(a).orElseThrow().proof()).toList();
        if (s.rollbackRequested()) {
            st.send(new RollbackAck(outOfChain(s, MessageType.ROLLBACK_ACK, st.now), true, actions, proofs));
        } else if (s.counterpartLostSession()) {
            abort(st, "counterpart does not know the session; rolled back " + actions);
        } else if (s.rollbackWire() == null) {
            st.send(new Rollback(outOfChain(s, MessageType.ROLLBACK, st.now), true, actions, proofs));
        }
    }

    protected final void abort(Step st, String reason) {
        st.send(new SessionAbort(outOfChain(st.session, MessageType.SESSION_ABORT, st.now), reason));
    }

    protected final AssertionClaim claim(LedgerState done) {
        return new AssertionClaim(done.receipt(), done.proof(),
                signer.signValue(Map.of("receipt", done.receipt(), "proof", done.proof())));
    }

    /** The header of this side's next chain message. */
    protected static Common next(Session s, MessageType type, Instant now) {
        return Common.of(type, s.sessionId(), s.transferContextId(), s.lastSequence() + 1, s.lastMessageHash(), now);
    }

    /** The header of a message outside the chain: it names the chain position without extending it. */
    protected static Common outOfChain(Session s, MessageType type, Instant now) {
        return Common.of(type, s.sessionId(), s.transferContextId(), s.lastSequence(), s.lastMessageHash(), now);
    }

    protected final SignedMessage decode(String wire) {
        Decoded d = log.codec().decode(wire.getBytes(StandardCharsets.UTF_8));
        return ((Decoded.Message) d).message();
    }

    protected static Transition rejected(SatpError error, String detail) {
        return new Transition.Rejected(Rejection.of(error, detail));
    }

    /** The messages a gateway may sign while the counterpart has not accepted its announced key yet. */
    static boolean signableBeforeAcceptance(MessageType type) {
        return switch (type) {
            case RECOVER, RECOVER_UPDATE, RECOVER_UPDATE_ACK, RECOVER_SUCCESS, ERROR -> true;
            default -> false;
        };
    }

    /** The entries and effects of one transition while it is being built; applies each entry as it is added. */
    protected final class Step {
        Session session;
        final Instant now;
        final List<LogEntry> entries = new ArrayList<>();
        final List<Effect> effects = new ArrayList<>();
        private final Status before;

        Step(Session session, Instant now) {
            this.session = session;
            this.now = now;
            this.before = session == null ? null : session.status();
        }

        Session session() {
            return session;
        }

        Instant now() {
            return now;
        }

        void append(LogEntry entry) {
            session = log.apply(session, entry);
            entries.add(entry);
        }

        /**
         * Signs, logs and sends a message; waits for an answer where one is due. While the session's recover-msg
         * announces a new key that the counterpart has not accepted, only recovery messages and errors may be signed
         * ({@link KeyNotYetAccepted}).
         */
        void send(SatpMessage message) {
            if (session != null && session.announcedKey() != null && !signableBeforeAcceptance(message.type())) {
                throw new KeyNotYetAccepted(session.sessionId(), message.type().name());
            }
            SignedMessage signed = signer.sign(message);
            append(log.sent(session, signed, now));
            effects.add(new Effect.Send(signed));
            boolean answered = message.type().inChain() || message.type() == MessageType.ROLLBACK;
            if (answered && session.pendingWire() != null) {
                effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(1)), 1));
            }
        }

        void alert(String reason) {
            append(log.alert(session, reason, now));
            effects.add(new Effect.Alert(reason));
        }

        Transition.Accepted accepted() {
            List<Effect> all = new ArrayList<>();
            if (!entries.isEmpty()) {
                all.add(new Effect.AppendLog(entries));
            }
            all.addAll(effects);
            if (session != null && session.status().terminal() && before != session.status()) {
                all.add(new Effect.CancelTimeout());
                all.add(new Effect.Finish(session.status()));
            }
            return new Transition.Accepted(session, all);
        }
    }
}
