package org.satpgateway.core.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.log.LogEntry;
import org.satpgateway.core.log.Operation;
import org.satpgateway.core.message.ErrorMessage;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.message.RecoverSuccess;
import org.satpgateway.core.message.RecoverUpdate;
import org.satpgateway.core.message.RecoverUpdateAck;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.port.KeyAuthority;

/**
 * Crash recovery (draft-belchior-satp-gateway-recovery) over a session rebuilt from the log. The same code runs on
 * whichever gateway crashed, and on both when both did:
 *
 * <ol>
 *   <li>the recovering side sends recover-msg with its last chain position ({@link #start});
 *   <li>the counterpart answers recover-update-msg with the messages the recovering side lacks ({@link #answer});
 *   <li>the recovering side applies them as if they had just arrived, then acknowledges ({@link #onUpdate});
 *   <li>the counterpart confirms with recover-success-msg ({@link #onUpdateAck});
 *   <li>the recovering side resends what the counterpart lacks, or resumes from the step it owes, or rolls back
 *       where the deadline passed and the protocol allows it ({@link #onSuccess}).
 * </ol>
 * A step already done on a ledger is never done twice: ledger actions are idempotent and the log tells which ones
 * were intended.
 */
public final class RecoveryPlanner {
    /**
     * Refusals of a handed-over message that say only that this side has moved on (it ended the session or rolls it
     * back) or that its time passed (an expired lock); any other refusal means the two logs disagree, and an
     * operator is told.
     */
    private static final Set<SatpError> PASSED_OVER = EnumSet.of(SatpError.SESSION_CLOSED, SatpError.OUT_OF_SEQUENCE,
            SatpError.LOCK_EXPIRED);

    private final SessionMachine machine;
    private final MessageSigner signer;
    private final SessionLog log;
    private final Identity identity;
    private final KeyAuthority keys;

    /** A planner that announces no key change and accepts none. */
    public RecoveryPlanner(SessionMachine machine) {
        this(machine, new Identity(machine.signer.publicKey(), () -> null, false), KeyAuthority.NONE);
    }

    /**
     * @param identity this gateway's signing key and certificate, announced to sessions signed with another key
     * @param keys which new keys of the counterpart are accepted
     */
    public RecoveryPlanner(SessionMachine machine, Identity identity, KeyAuthority keys) {
        this.machine = machine;
        this.signer = machine.signer;
        this.log = machine.log;
        this.identity = identity;
        this.keys = keys;
    }

    /**
     * Recovering side: log and send recover-msg, and arm the timer that repeats it if no answer comes.
     *
     * @param attempt 1 after a restart; the attempt of {@link Effect.StartRecovery} for a silent counterpart
     */
    public Transition start(Session s, String reason, int attempt, Instant now) {
        if (s.status().terminal()) {
            return new Transition.Accepted(s, List.of());
        }
        SessionMachine.Step st = machine.new Step(s, now);
        if (attempt > 1 && s.unansweredRecoverWire() != null) {
            // the counterpart has not answered the last recover-msg yet: repeat it, and log nothing new
            st.effects.add(new Effect.Send(machine.decode(s.unansweredRecoverWire())));
            st.effects.add(new Effect.ArmTimeout(now.plus(machine.policy.retryDelay(attempt)),
                    Math.max(attempt, s.proposal().maxRetries())));
            return st.accepted();
        }
        boolean announce = s.ownKey() != null && !s.ownKey().equals(identity.key());
        st.send(new Recover(SessionMachine.outOfChain(s, MessageType.RECOVER, now), s.satpPhase(),
                announce && identity.backup(), announce ? identity.key() : null,
                announce ? identity.certificate().get() : null, s.lastEntryTimestamp(), reason));
        int next = Math.max(attempt, s.proposal().maxRetries());
        st.effects.add(new Effect.ArmTimeout(now.plus(machine.policy.retryDelay(attempt)), next));
        return st.accepted();
    }

    /**
     * Recovering side, for a session that needs no recovery (ended, say): tells the counterpart this gateway's new
     * key through a recover-msg of that session, when the counterpart does not know the key yet. That is how a key
     * change (key loss, a backup's takeover) reaches the counterpart when no session is under way. No timer: the
     * next start-up announces again if the counterpart never answered.
     */
    public Transition announce(Session s, String reason, Instant now) {
        if (s.ownKey() == null || s.ownKey().equals(identity.key())) {
            return new Transition.Accepted(s, List.of());
        }
        SessionMachine.Step st = machine.new Step(s, now);
        st.send(new Recover(SessionMachine.outOfChain(s, MessageType.RECOVER, now), s.satpPhase(), identity.backup(),
                identity.key(), identity.certificate().get(), s.lastEntryTimestamp(), reason));
        return st.accepted();
    }

    /**
     * Counterpart side: answer a recover-msg with this side's messages that the recovering side lacks: the chain
     * messages after its position, and this side's rollback or abort messages.
     *
     * @param ownLog this side's log of the session
     */
    public Transition answer(Session s, List<LogEntry> ownLog, Decoded.Message in, Instant now) {
        if (in.message().message() instanceof Recover announced
                && (announced.newIdentityPublicKey() != null || announced.isBackup())) {
            Optional<Rejection> refused = announced.newIdentityPublicKey() == null
                    ? Optional.of(Rejection.of(SatpError.KEY_NOT_AUTHORISED, "a backup's recover-msg names no new key"))
                    : keys.check(peerGatewayId(s), s.peerKey(), announced);
            if (refused.isPresent()) {
                return new Transition.Rejected(refused.get());
            }
            // signed with the announced key; from here on (SessionLog) the session's messages are checked with it
            Session withNewKey = s.toBuilder().withPeerKey(announced.newIdentityPublicKey()).build();
            Optional<Rejection> origin = machine.verifier.verifyOrigin(withNewKey, in, machine.peerRole());
            if (origin.isPresent()) {
                return new Transition.Rejected(origin.get());
            }
        } else {
            Optional<Rejection> problem = verify(s, in, MessageType.RECOVER);
            if (problem.isPresent()) {
                return new Transition.Rejected(problem.get());
            }
        }
        Recover recover = (Recover) in.message().message();
        long theirs = recover.common().sequenceNumber();
        List<String> lacking = new ArrayList<>();
        for (LogEntry e : ownLog) {
            if (e.operation() != Operation.DONE) {
                continue;
            }
            String base = e.type().contains("@") ? e.type().substring(0, e.type().indexOf('@')) : e.type();
            Optional<MessageType> type = MessageType.fromShortName(base);
            if (type.isEmpty()) {
                continue;
            }
            boolean chainAhead = type.get().inChain() && e.sequenceNumber() > theirs;
            boolean ending = type.get() == MessageType.ROLLBACK || type.get() == MessageType.ROLLBACK_ACK
                    || type.get() == MessageType.SESSION_ABORT;
            if (chainAhead || ending) {
                lacking.add(e.data());
            }
        }
        SessionMachine.Step st = machine.new Step(s, now);
        st.append(log.received(s, in.message(), now));
        st.send(new RecoverUpdate(SessionMachine.outOfChain(st.session(), MessageType.RECOVER_UPDATE, now),
                in.message().hash(), lacking));
        return st.accepted();
    }

    /** Counterpart side, when it has no such session: the error to send back (nothing is logged). */
    public SignedMessage sessionNotFound(Decoded.Message in, Instant now) {
        return machine.errorFor(in, Rejection.of(SatpError.SESSION_NOT_FOUND,
                "no session " + in.message().message().common().sessionId()), now);
    }

    /** Recovering side: apply the counterpart's messages, then acknowledge them. */
    public RecoveryPlan onUpdate(Session s, Decoded.Message in, Instant now) {
        Optional<Rejection> problem = verify(s, in, MessageType.RECOVER_UPDATE);
        RecoverUpdate update = (RecoverUpdate) in.message().message();
        if (problem.isEmpty() && !update.hashRecoverMessage().equals(s.lastRecoverHash())) {
            problem = Optional.of(Rejection.of(SatpError.OUT_OF_SEQUENCE, "recover-update-msg does not answer the last recover-msg"));
        }
        if (problem.isPresent()) {
            return new RecoveryPlan(RecoveryPlan.Decision.IN_PROGRESS, problem.get().detail(),
                    new Transition.Rejected(problem.get()));
        }
        SessionMachine.Step st = machine.new Step(s, now);
        st.append(log.received(s, in.message(), now));
        List<String> changed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String wire : update.recoveredMessages()) {
            Decoded d = log.codec().decode(wire.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!(d instanceof Decoded.Message m)) {
                refused.add("an unreadable message: " + ((Decoded.Refused) d).rejection());
                continue;
            }
            SatpMessage msg = m.message().message();
            if (msg.type().inChain() && msg.common().sequenceNumber() <= st.session().lastSequence()) {
                continue;
            }
            // applied only: the protocol resumes after recover-success (onSuccess), not in the middle of the exchange
            Transition t = machine.receive(st.session(), m, now, false);
            if (t instanceof Transition.Accepted a && !a.entries().isEmpty()) {
                changed.add(m.message().hash());
                st.entries.addAll(a.entries());
                a.effects().stream().filter(e -> !(e instanceof Effect.AppendLog)).forEach(st.effects::add);
                st.session = a.session();
            } else if (t instanceof Transition.Rejected r && !PASSED_OVER.contains(r.rejection().error())) {
                refused.add(msg.type().shortName() + " #" + msg.common().sequenceNumber() + ": " + r.rejection());
            }
        }
        if (!refused.isEmpty()) {
            st.alert("the counterpart's log holds messages this side refuses: " + String.join("; ", refused));
        }
        st.send(new RecoverUpdateAck(SessionMachine.outOfChain(st.session(), MessageType.RECOVER_UPDATE_ACK, now),
                in.message().hash(), refused.isEmpty(), changed));
        String detail = (changed.isEmpty()
                ? "nothing was missing"
                : "applied " + changed.size() + " message(s) the counterpart had sent")
                + (refused.isEmpty() ? "" : "; refused " + refused.size());
        return new RecoveryPlan(RecoveryPlan.Decision.IN_PROGRESS, detail, st.accepted());
    }

    /** Counterpart side: the recovering side applied the update; confirm with recover-success-msg. */
    public Transition onUpdateAck(Session s, Decoded.Message in, Instant now) {
        Optional<Rejection> problem = verify(s, in, MessageType.RECOVER_UPDATE_ACK);
        if (problem.isPresent()) {
            return new Transition.Rejected(problem.get());
        }
        SessionMachine.Step st = machine.new Step(s, now);
        st.append(log.received(s, in.message(), now));
        st.send(new RecoverSuccess(SessionMachine.outOfChain(st.session(), MessageType.RECOVER_SUCCESS, now), true));
        return st.accepted();
    }

    /** Recovering side: the counterpart confirmed; decide and carry out how the session continues. */
    public RecoveryPlan onSuccess(Session s, Decoded.Message in, Instant now) {
        Optional<Rejection> problem = verify(s, in, MessageType.RECOVER_SUCCESS);
        if (problem.isPresent()) {
            return new RecoveryPlan(RecoveryPlan.Decision.IN_PROGRESS, problem.get().detail(),
                    new Transition.Rejected(problem.get()));
        }
        SessionMachine.Step st = machine.new Step(s, now);
        st.append(log.received(s, in.message(), now));
        return decide(st);
    }

    /** Recovering side: the counterpart does not know the session (its error answered our recover-msg). */
    public RecoveryPlan onSessionNotFound(Session s, Decoded.Message in, Instant now) {
        Optional<Rejection> problem = verify(s, in, MessageType.ERROR);
        ErrorMessage error = (ErrorMessage) in.message().message();
        if (problem.isEmpty() && !SatpError.SESSION_NOT_FOUND.code().equals(error.errorCode())) {
            problem = Optional.of(Rejection.of(SatpError.OUT_OF_SEQUENCE, "not a session-not-found answer"));
        }
        if (problem.isPresent()) {
            return new RecoveryPlan(RecoveryPlan.Decision.IN_PROGRESS, problem.get().detail(),
                    new Transition.Rejected(problem.get()));
        }
        if (counterpartSpokeSince(s, s.unansweredRecoverWire())) {
            Rejection stale = Rejection.of(SatpError.OUT_OF_SEQUENCE, "a stale session-not-found: the counterpart sent"
                    + " chain messages of this session after the recover-msg it answers left (the recover-msg overtook"
                    + " a message still queued); it knows the session now");
            return new RecoveryPlan(RecoveryPlan.Decision.IN_PROGRESS, stale.detail(), new Transition.Rejected(stale));
        }
        SessionMachine.Step st = machine.new Step(s, now);
        st.append(log.received(s, in.message(), now));
        Session current = st.session();
        if (current.status().terminal()) {
            return new RecoveryPlan(RecoveryPlan.Decision.ENDED, current.step(), st.accepted());
        }
        if (current.role() == Role.CLIENT && current.lastSequence() == 1 && !current.pastDeadline(now)) {
            // the proposal never arrived: stage 1, nothing locked, so the transfer simply starts again
            st.effects.add(new Effect.Send(machine.decode(current.lastSentWire())));
            st.effects.add(new Effect.ArmTimeout(now.plus(machine.policy.retryDelay(1)), 1));
            return new RecoveryPlan(RecoveryPlan.Decision.RESEND, "the counterpart never received the proposal", st.accepted());
        }
        boolean mayUndo = current.role() == Role.CLIENT
                ? !current.started(LedgerAction.EXTINGUISH) && !sawCommitReady(current)
                : !current.holdsUndoable();
        if (!mayUndo) {
            st.alert("the counterpart does not know a session that went past the point where this side can undo alone");
            return new RecoveryPlan(RecoveryPlan.Decision.UNKNOWN, current.alert(), st.accepted());
        }
        if (current.holdsUndoable()) {
            machine.undone(st, current.role() == Role.CLIENT ? LedgerAction.UNLOCK : LedgerAction.EXTINGUISH);
            machine.advance(st);
        } else {
            machine.abort(st, "the counterpart does not know the session");
        }
        return new RecoveryPlan(RecoveryPlan.Decision.ROLL_BACK, "the counterpart does not know the session", st.accepted());
    }

    /**
     * Whether the session logged a chain message of the counterpart at a position after the one {@code recoverWire}
     * (this side's recover-msg, which carries this side's chain position when it left) was sent at: then the
     * counterpart knew the session after that recover-msg left, whatever it answered to it. Positions alternate: the
     * client sends the odd ones, the server the even ones.
     */
    private boolean counterpartSpokeSince(Session s, String recoverWire) {
        if (recoverWire == null) {
            return false;
        }
        long sentAt = machine.decode(recoverWire).message().common().sequenceNumber();
        long peerParity = s.role() == Role.CLIENT ? 0 : 1;
        for (long q = sentAt + 1; q <= s.lastSequence(); q++) {
            if (q % 2 == peerParity) {
                return true;
            }
        }
        return false;
    }

    private static boolean sawCommitReady(Session s) {
        return s.lastSequence() >= MessageType.COMMIT_READY.code();
    }

    private RecoveryPlan decide(SessionMachine.Step st) {
        Session s = st.session();
        if (s.status().terminal()) {
            return new RecoveryPlan(RecoveryPlan.Decision.ENDED, s.step(), st.accepted());
        }
        if (s.status() == Status.ACTIVE && s.pastDeadline(st.now())) {
            int before = st.entries.size();
            machine.onDeadline(st);
            // asking the counterpart again is pointless in the middle of the exchange: it decides, we wait
            st.effects.removeIf(Effect.StartRecovery.class::isInstance);
            if (st.entries.size() > before) {
                return new RecoveryPlan(RecoveryPlan.Decision.ROLL_BACK, "the deadline passed at " + s.deadline(), st.accepted());
            }
        }
        String pending = s.pendingWire();
        boolean counterpartLacks = pending != null
                && (s.status() == Status.ROLLING_BACK || s.counterpartLacksLast());
        if (counterpartLacks) {
            st.effects.add(new Effect.Send(machine.decode(pending)));
            st.effects.add(new Effect.ArmTimeout(st.now().plus(machine.policy.retryDelay(1)), 1));
            return new RecoveryPlan(RecoveryPlan.Decision.RESEND, "resent " + s.step(), st.accepted());
        }
        int before = st.entries.size() + st.effects.size();
        machine.advance(st);
        if (st.entries.size() + st.effects.size() > before) {
            return new RecoveryPlan(RecoveryPlan.Decision.RESUME, "resumed after " + s.step(), st.accepted());
        }
        st.effects.add(new Effect.ArmTimeout(st.now().plus(machine.policy.retryDelay(1)), 1));
        return new RecoveryPlan(RecoveryPlan.Decision.WAIT, "waiting for the counterpart after " + s.step(), st.accepted());
    }

    private static String peerGatewayId(Session s) {
        return s.role() == Role.CLIENT
                ? s.proposal().transferInitClaim().recipientGatewayId()
                : s.proposal().transferInitClaim().senderGatewayId();
    }

    private Optional<Rejection> verify(Session s, Decoded.Message in, MessageType expected) {
        if (in.message().message().type() != expected) {
            return Optional.of(Rejection.of(SatpError.OUT_OF_SEQUENCE, "expected " + expected.shortName()));
        }
        return machine.verifier.verifyOrigin(s, in, machine.peerRole());
    }
}
