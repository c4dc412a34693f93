package org.satpgateway.core.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.codec.SignedMessage;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.message.AckCommitFinal;
import org.satpgateway.core.message.CommitFinal;
import org.satpgateway.core.message.CommitPrepare;
import org.satpgateway.core.message.CommitReady;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.LockAssert;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.NetworkCapabilities;
import org.satpgateway.core.message.ProposalReceipt;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.message.TransferCommence;
import org.satpgateway.core.message.TransferComplete;
import org.satpgateway.core.message.TransferInitClaim;
import org.satpgateway.core.message.TransferProposal;
import org.satpgateway.core.message.TransferReject;

/**
 * The client gateway G1: proposes, locks the asset on the source ledger (2.1), burns it (3.4, the point of no
 * return) once G2 has minted, and closes the session. Rolls back (unlock) only before the burn.
 */
public final class ClientStateMachine extends SessionMachine {

    public ClientStateMachine(MessageSigner signer, SessionLog log, SessionPolicy policy) {
        super(signer, log, policy);
    }

    @Override
    public Role role() {
        return Role.CLIENT;
    }

    /** Opens a session for a back-office order: logs and sends the transfer proposal. */
    public Transition start(TransferOrder order, Instant now) {
        Optional<Rejection> accounts = Accounts.check(order.originator(), policy.ownerId(), order.beneficiary(),
                order.counterpart().ownerId());
        if (accounts.isPresent()) {
            return new Transition.Rejected(accounts.get());
        }
        TransferProposal proposal;
        try {
            proposal = proposal(order, now);
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Transition.Rejected(JobRejections.of(e.getMessage()));
        }
        SignedMessage signed = signer.sign(proposal);
        Step st = new Step(null, now);
        st.append(log.sent(null, signed, now));
        st.effects.add(new Effect.Send(signed));
        st.effects.add(new Effect.ArmTimeout(now.plus(policy.retryDelay(1)), 1));
        return st.accepted();
    }

    private TransferProposal proposal(TransferOrder o, Instant now) {
        SignatureAlgorithm algorithm = signer.keyPair().algorithm();
        TransferInitClaim claim = new TransferInitClaim(o.digitalAssetId(), o.assetProfileId(), o.amount(),
                o.originator(), o.beneficiary(), o.originatorPublicKey(), o.beneficiaryPublicKey(),
                signer.publicKey(), o.counterpart().signingKey(), policy.gatewayId(), o.counterpart().gatewayId(),
                policy.networkId(), o.counterpart().networkId(), policy.ownerId(), o.counterpart().ownerId());
        NetworkCapabilities capabilities = new NetworkCapabilities(algorithm.jwsName(),
                policy.supportedAlgorithms().stream().map(SignatureAlgorithm::jwsName).toList(),
                policy.lockTypes().contains(NetworkCapabilities.LockType.TIME_LOCK)
                        ? NetworkCapabilities.LockType.TIME_LOCK
                        : policy.lockTypes().iterator().next(),
                policy.lockExpiration().toMillis(), SessionPolicy.TLS_SCHEME);
        if (o.deadline().isNegative() || o.deadline().isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        return new TransferProposal(
                Common.of(MessageType.TRANSFER_PROPOSAL, o.sessionId(), o.transferContextId(), 1, null, now),
                claim, capabilities, o.maxRetries(), o.deadline().toMillis());
    }

    @Override
    protected void owe(Step st) {
        Session s = st.session();
        Instant now = st.now();
        switch (s.lastChainType()) {
            case PROPOSAL_RECEIPT -> st.send(new TransferCommence(next(s, MessageType.TRANSFER_COMMENCE, now),
                    s.hashTransferInitClaim()));
            case ACK_COMMENCE -> {
                if (!s.started(LedgerAction.LOCK) && s.pastDeadline(now)) {
                    beginRollback(st, "deadline passed before the lock");
                } else {
                    ledgerThenSend(st, LedgerAction.LOCK, claim -> new LockAssert(
                            next(st.session(), MessageType.LOCK_ASSERT, st.now()), claim, SessionPolicy.CLAIM_FORMAT,
                            lockExpiration(st.session(), st.now()).toString()));
                }
            }
            case ASSERTION_RECEIPT -> {
                if (s.pastDeadline(now) || s.lockExpired(now)) {
                    beginRollback(st, "the lock expired before commit-prepare");
                } else {
                    st.send(new CommitPrepare(next(s, MessageType.COMMIT_PREPARE, now)));
                }
            }
            case COMMIT_READY -> {
                if (!s.started(LedgerAction.EXTINGUISH) && (s.pastDeadline(now) || s.lockExpired(now))) {
                    beginRollback(st, s.pastDeadline(now) ? "deadline passed before the burn"
                            : "the lock expired at " + s.lockExpiration() + " before the burn");
                } else {
                    ledgerThenSend(st, LedgerAction.EXTINGUISH, claim -> new CommitFinal(
                            next(st.session(), MessageType.COMMIT_FINAL, st.now()), claim, SessionPolicy.CLAIM_FORMAT));
                }
            }
            case ACK_COMMIT_FINAL -> st.send(new TransferComplete(next(s, MessageType.TRANSFER_COMPLETE, now),
                    s.hashTransferCommence()));
            default -> {
                // a reject ended the session; nothing else is owed by the client
            }
        }
    }

    /** The lock lasts the ledger's lock time, and never past the transfer's deadline. */
    private Instant lockExpiration(Session s, Instant now) {
        Instant byLock = now.plusMillis(s.proposal().gatewayAndNetworkCapabilities().networkLockExpirationTime());
        return byLock.isBefore(s.deadline()) ? byLock : s.deadline();
    }

    /** Starts the rollback: unlock if a lock may exist, otherwise end the session with session-abort. */
    @Override
    protected void beginRollback(Step st, String reason) {
        if (st.session().holdsUndoable()) {
            undone(st, LedgerAction.UNLOCK);
        } else {
            abort(st, reason);
        }
    }

    @Override
    protected void rollbackAdvance(Step st) {
        Session s = st.session();
        boolean locked = s.holdsUndoable();
        if (locked && !undone(st, LedgerAction.UNLOCK)) {
            return;
        }
        finishRollback(st, locked ? List.of(LedgerAction.UNLOCK) : List.of());
    }

    @Override
    protected Optional<Rejection> checkContent(Session s, SatpMessage msg, Instant now) {
        if (msg instanceof ProposalReceipt r && !r.hashTransferInitClaim().equals(s.hashTransferInitClaim())) {
            return Optional.of(Rejection.of(SatpError.INVALID_CLAIM, "hashTransferInitClaim does not match the proposal"));
        }
        if (msg instanceof TransferReject r && !r.hashTransferInitClaim().equals(s.hashTransferInitClaim())) {
            return Optional.of(Rejection.of(SatpError.INVALID_CLAIM, "hashTransferInitClaim does not match the proposal"));
        }
        if (msg instanceof CommitReady r) {
            return verifier.verifyClaim(r.mintAssertionClaim(), r.mintAssertionClaimFormat(),
                    SatpError.UNSUPPORTED_MINT_CLAIM_FORMAT, s.peerKey(), log.codec());
        }
        if (msg instanceof AckCommitFinal r) {
            return verifier.verifyClaim(r.assignmentAssertionClaim(), r.assignmentAssertionClaimFormat(),
                    SatpError.UNSUPPORTED_ASSIGNMENT_CLAIM_FORMAT, s.peerKey(), log.codec());
        }
        return Optional.empty();
    }

    @Override
    protected void onLedgerFailure(Step st, LedgerResult.Failed failed) {
        switch (failed.action()) {
            case LOCK -> abort(st, "lock failed: " + failed.errorCode() + " " + failed.reason());
            case EXTINGUISH -> beginRollback(st, "burn failed: " + failed.reason());
            default -> st.alert(failed.action().wireName() + " failed: " + failed.errorCode() + " " + failed.reason());
        }
    }

    /** The unlock of a rollback: its failure waits for an operator (a failed lock aborts, a failed burn rolls back). */
    @Override
    protected boolean retriableAfterAlert(Session s, LedgerAction action) {
        return action == LedgerAction.UNLOCK;
    }

    @Override
    protected LedgerRequest request(Session s, LedgerAction action) {
        TransferInitClaim c = s.proposal().transferInitClaim();
        return new LedgerRequest(action, s.sessionId(), c.digitalAssetId(), c.amount(), c.verifiedOriginatorEntityId());
    }
}
