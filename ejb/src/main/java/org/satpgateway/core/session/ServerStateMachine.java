package org.satpgateway.core.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.crypto.PublicKeys;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.message.AckCommence;
import org.satpgateway.core.message.AckCommitFinal;
import org.satpgateway.core.message.AssertionReceipt;
import org.satpgateway.core.message.CommitFinal;
import org.satpgateway.core.message.CommitReady;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.ErrorMessage;
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
import org.satpgateway.core.port.TrustedPeers;

/**
 * The server gateway G2: accepts or rejects the proposal, checks the lock, mints on the recipient ledger (3.2, held
 * by G2 and reversible), assigns to the beneficiary once G1 burned (3.6). Rolls back on its own only before it
 * minted; after that only G1, which knows whether it burned, may ask it to.
 */
public final class ServerStateMachine extends SessionMachine {
    private final TrustedPeers trustedPeers;

    public ServerStateMachine(MessageSigner signer, SessionLog log, SessionPolicy policy, TrustedPeers trustedPeers) {
        super(signer, log, policy);
        this.trustedPeers = trustedPeers;
    }

    @Override
    public Role role() {
        return Role.SERVER;
    }

    /**
     * A transfer proposal for a session this gateway does not know yet. Refused (no session) when it is not a
     * proposal, not signed by its sender's key, or from a gateway this one does not trust; otherwise the session
     * opens and is answered with proposal-receipt-msg, or with reject-msg when its terms are not acceptable.
     */
    public Transition open(Decoded.Message in, Instant now) {
        if (!(in.message().message() instanceof TransferProposal proposal)) {
            return rejected(SatpError.SESSION_NOT_FOUND, "no session " + in.message().message().common().sessionId());
        }
        TransferInitClaim claim = proposal.transferInitClaim();
        if (PublicKeys.parse(claim.senderGatewaySignaturePublicKey()).isEmpty()) {
            return rejected(SatpError.INVALID_GATEWAY_KEY, "senderGatewaySignaturePublicKey is not a supported EC key");
        }
        Optional<Rejection> signature = Jws.verifyDetached(in.payload(), in.message().signature(),
                claim.senderGatewaySignaturePublicKey());
        if (signature.isPresent()) {
            return new Transition.Rejected(signature.get());
        }
        if (!trustedPeers.isTrusted(claim.senderGatewayId(), claim.senderGatewaySignaturePublicKey())) {
            return rejected(SatpError.NOT_AUTHORISED, "gateway " + claim.senderGatewayId() + " with this key is not a known peer");
        }
        long seq = proposal.common().sequenceNumber();
        if ((seq != 0 && seq != 1) || proposal.common().hashPrevMessage() != null) {
            return rejected(SatpError.OUT_OF_SEQUENCE, "a transfer proposal is the first message of its session");
        }
        Step st = new Step(null, now);
        st.append(log.received(null, in.message(), now));
        Optional<Rejection> refusal = refusal(proposal, now);
        if (refusal.isPresent()) {
            Session s = st.session();
            st.send(new TransferReject(next(s, MessageType.TRANSFER_REJECT, now), s.hashTransferInitClaim(),
                    refusal.get().code(), refusal.get().detail()));
        } else {
            advance(st);
        }
        return st.accepted();
    }

    /** Why the terms of a well-formed, authentic proposal are not acceptable here, if they are not. */
    private Optional<Rejection> refusal(TransferProposal p, Instant now) {
        TransferInitClaim c = p.transferInitClaim();
        NetworkCapabilities caps = p.gatewayAndNetworkCapabilities();
        if (!c.receiverGatewaySignaturePublicKey().equals(signer.publicKey())) {
            return refuse(SatpError.INVALID_GATEWAY_KEY, "receiverGatewaySignaturePublicKey is not this gateway's key");
        }
        if (!c.recipientGatewayId().equals(policy.gatewayId())) {
            return refuse(SatpError.INVALID_GATEWAY_ID, "recipientGatewayId " + c.recipientGatewayId() + " is not this gateway");
        }
        if (!c.recipientGatewayNetworkId().equals(policy.networkId())) {
            return refuse(SatpError.INVALID_NETWORK_ID, "recipientGatewayNetworkId " + c.recipientGatewayNetworkId() + " is not served here");
        }
        Optional<Rejection> accounts = Accounts.check(c.verifiedOriginatorEntityId(), c.senderGatewayOwnerId(),
                c.verifiedBeneficiaryEntityId(), policy.ownerId());
        if (accounts.isPresent()) {
            return accounts;
        }
        if (!policy.assetProfiles().contains(c.assetProfileId())) {
            return refuse(SatpError.INVALID_ASSET_PROFILE, "asset profile " + c.assetProfileId() + " is not supported");
        }
        SignatureAlgorithm senderAlgorithm = PublicKeys.parse(c.senderGatewaySignaturePublicKey()).orElseThrow().algorithm();
        boolean common = caps.gatewaySupportedSignatureAlgorithms().stream()
                .map(SignatureAlgorithm::fromJwsName).flatMap(Optional::stream)
                .anyMatch(policy.supportedAlgorithms()::contains);
        if (!common || !policy.supportedAlgorithms().contains(senderAlgorithm)
                || SignatureAlgorithm.fromJwsName(caps.gatewayDefaultSignatureAlgorithm()).isEmpty()) {
            return refuse(SatpError.UNSUPPORTED_SIGNATURE_ALGORITHM, "no signature algorithm in common");
        }
        if (!policy.lockTypes().contains(caps.networkLockType())) {
            return refuse(SatpError.UNSUPPORTED_LOCK_TYPE, "lock type " + caps.networkLockType() + " is not supported");
        }
        if (!p.common().time().plusMillis(p.maxTimeout()).isAfter(now)) {
            return refuse(SatpError.UNSUPPORTED_LOCK_EXPIRATION, "the transfer's deadline has already passed");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> refuse(SatpError error, String detail) {
        return Optional.of(Rejection.of(error, detail));
    }

    @Override
    protected void owe(Step st) {
        Session s = st.session();
        Instant now = st.now();
        switch (s.lastChainType()) {
            case TRANSFER_PROPOSAL -> st.send(new ProposalReceipt(next(s, MessageType.PROPOSAL_RECEIPT, now),
                    s.hashTransferInitClaim()));
            case TRANSFER_COMMENCE -> st.send(new AckCommence(next(s, MessageType.ACK_COMMENCE, now)));
            case LOCK_ASSERT -> st.send(new AssertionReceipt(next(s, MessageType.ASSERTION_RECEIPT, now)));
            case COMMIT_PREPARE -> {
                if (!s.started(LedgerAction.CREATE) && (s.pastDeadline(now) || s.lockExpired(now))) {
                    // nothing minted yet, and the lock it would stand on may be gone: mint nothing
                    beginRollback(st, s.pastDeadline(now) ? "deadline passed before the mint"
                            : "the lock expired at " + s.lockExpiration() + " before the mint");
                } else {
                    ledgerThenSend(st, LedgerAction.CREATE, claim -> new CommitReady(
                            next(st.session(), MessageType.COMMIT_READY, st.now()), claim, SessionPolicy.CLAIM_FORMAT));
                }
            }
            case COMMIT_FINAL -> ledgerThenSend(st, LedgerAction.ASSIGN, claim -> new AckCommitFinal(
                    next(st.session(), MessageType.ACK_COMMIT_FINAL, st.now()), claim, SessionPolicy.CLAIM_FORMAT));
            default -> {
                // transfer-complete closed the session
            }
        }
    }

    @Override
    protected void rollbackAdvance(Step st) {
        Session s = st.session();
        boolean minted = s.holdsUndoable();
        if (minted && !undone(st, LedgerAction.EXTINGUISH)) {
            return;
        }
        finishRollback(st, minted ? List.of(LedgerAction.EXTINGUISH) : List.of());
    }

    /** Once it minted, the server side leaves the rollback to the client, which knows whether it burned. */
    @Override
    protected Optional<Rejection> mayForceRollback(Session s) {
        Optional<Rejection> past = mayRollBack(s);
        if (past.isPresent() || !s.started(LedgerAction.CREATE)) {
            return past;
        }
        return Optional.of(Rejection.of(SatpError.SESSION_CLOSED, "this gateway minted the asset: only the client"
                + " gateway, which knows whether it burned the original, may roll the transfer back (force it there)"));
    }

    /** Rolls back on this side's own initiative: only before minting, when there is nothing to undo. */
    @Override
    protected void beginRollback(Step st, String reason) {
        if (st.session().started(LedgerAction.CREATE)) {
            st.effects.add(new Effect.StartRecovery(reason + "; minted, so the client decides", 1));
        } else {
            finishRollback(st, List.of());
        }
    }

    @Override
    protected Optional<Rejection> checkContent(Session s, SatpMessage msg, Instant now) {
        if (msg instanceof TransferCommence c && !c.hashTransferInitClaim().equals(s.hashTransferInitClaim())) {
            return Optional.of(Rejection.of(SatpError.INVALID_CLAIM, "hashTransferInitClaim does not match the proposal"));
        }
        if (msg instanceof LockAssert l) {
            Instant expiration;
            try {
                expiration = Instant.parse(l.lockAssertionExpiration());
            } catch (java.time.DateTimeException e) {
                return Optional.of(Rejection.of(SatpError.LOCK_EXPIRED,
                        "lockAssertionExpiration is not an RFC 3339 time: " + e.getMessage()));
            }
            if (!expiration.isAfter(now)) {
                return Optional.of(Rejection.of(SatpError.LOCK_EXPIRED, "the lock expired at " + l.lockAssertionExpiration()));
            }
            return verifier.verifyClaim(l.lockAssertionClaim(), l.lockAssertionClaimFormat(),
                    SatpError.INVALID_CLAIM_FORMAT, s.peerKey(), log.codec());
        }
        if (msg instanceof CommitFinal f) {
            return verifier.verifyClaim(f.burnAssertionClaim(), f.burnAssertionClaimFormat(),
                    SatpError.UNSUPPORTED_BURN_CLAIM_FORMAT, s.peerKey(), log.codec());
        }
        if (msg instanceof TransferComplete c && !c.hashTransferCommence().equals(s.hashTransferCommence())) {
            return Optional.of(Rejection.of(SatpError.INVALID_CLAIM, "hashTransferCommence does not match message 3"));
        }
        return Optional.empty();
    }

    /**
     * A failed mint ends the session (nothing to undo). A failed assignment comes after the burn: it can only go
     * forward, so it is decided once: an alert for an operator, and an error-msg that tells the client why its
     * commit-final gets no answer; neither side retries it on its own.
     */
    @Override
    protected void onLedgerFailure(Step st, LedgerResult.Failed failed) {
        if (failed.action() == LedgerAction.CREATE) {
            finishRollback(st, List.of());
            return;
        }
        String reason = failed.action().wireName() + " failed: " + failed.errorCode() + " " + failed.reason();
        st.alert(reason);
        if (failed.action() == LedgerAction.ASSIGN && st.session().lastFromPeer()) {
            Session s = st.session();
            st.send(new ErrorMessage(Common.of(MessageType.ERROR, s.sessionId(), s.transferContextId(), s.lastSequence(),
                    s.lastMessageHash(), st.now()), SatpError.LEDGER_FAILURE.code(), SatpError.LEDGER_FAILURE.title(),
                    reason + "; the transfer waits for an operator"));
        }
    }

    /**
     * The assignment (after the burn: forward only) and the burn of what was minted, in a rollback: their failures
     * wait for an operator (a failed mint rolls back).
     */
    @Override
    protected boolean retriableAfterAlert(Session s, LedgerAction action) {
        return action == LedgerAction.ASSIGN || action == LedgerAction.EXTINGUISH;
    }

    @Override
    protected LedgerRequest request(Session s, LedgerAction action) {
        TransferInitClaim c = s.proposal().transferInitClaim();
        String owner = action == LedgerAction.ASSIGN ? c.verifiedBeneficiaryEntityId() : policy.gatewayId();
        return new LedgerRequest(action, s.sessionId(), c.digitalAssetId(), c.amount(), owner);
    }
}
