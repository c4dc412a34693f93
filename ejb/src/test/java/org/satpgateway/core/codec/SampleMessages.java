package org.satpgateway.core.codec;

import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Hashes;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.message.AckCommence;
import org.satpgateway.core.message.AckCommitFinal;
import org.satpgateway.core.message.AssertionClaim;
import org.satpgateway.core.message.AssertionReceipt;
import org.satpgateway.core.message.CommitFinal;
import org.satpgateway.core.message.CommitPrepare;
import org.satpgateway.core.message.CommitReady;
import org.satpgateway.core.message.Common;
import org.satpgateway.core.message.ErrorMessage;
import org.satpgateway.core.message.LockAssert;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.NetworkCapabilities;
import org.satpgateway.core.message.ProposalReceipt;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.message.RecoverSuccess;
import org.satpgateway.core.message.RecoverUpdate;
import org.satpgateway.core.message.RecoverUpdateAck;
import org.satpgateway.core.message.Rollback;
import org.satpgateway.core.message.RollbackAck;
import org.satpgateway.core.message.SatpMessage;
import org.satpgateway.core.message.SessionAbort;
import org.satpgateway.core.message.TransferCommence;
import org.satpgateway.core.message.TransferComplete;
import org.satpgateway.core.message.TransferInitClaim;
import org.satpgateway.core.message.TransferProposal;
import org.satpgateway.core.message.TransferReject;

/**
 * Fixed test data: fixed keys (fixed private scalars) and one fixed message of every {@link MessageType}. Nothing
 * here is random or clock-dependent, so the signed wire forms are byte-for-byte reproducible (the golden vectors
 * depend on it: change a value here and the goldens must be regenerated on purpose).
 */
public final class SampleMessages {
    private SampleMessages() {}

    /** Client gateway G1, ES256. */
    public static final GatewayKeyPair CLIENT_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("6c1c0e2e1d4f5a3b8e9d7c6b5a4f3e2d1c0b0a09080706050403020100ffeedd", 16));
    /** Server gateway G2, ES256. */
    public static final GatewayKeyPair SERVER_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe", 16));
    /** The client organisation's backup gateway, ES256 (announced in recover-msg). */
    public static final GatewayKeyPair BACKUP_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("00000000000000000000000000000000000000000000000000000000000b4c6b", 16));
    /** A gateway signing with secp256k1 (as Cacti does), ES256K. */
    public static final GatewayKeyPair K1_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256K,
            new BigInteger("0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0", 16));

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    public static final String SESSION_ID = "3f1c8a52-6b0e-4d7a-9c2e-1a5b7d9e0f12";
    public static final String CONTEXT_ID = "job-2026-000042";

    private static final MessageCodec CODEC = new MessageCodec();

    /** A fixed stand-in for a message hash: the SHA-256 of a label. */
    public static String hashOf(String label) {
        return Hashes.sha256Hex(label);
    }

    public static Common common(MessageType type, long sequenceNumber, String hashPrevMessage) {
        return Common.of(type, SESSION_ID, CONTEXT_ID, sequenceNumber, hashPrevMessage, T0.plusSeconds(sequenceNumber));
    }

    private static Common common(MessageType type, long sequenceNumber) {
        return common(type, sequenceNumber, hashOf("message " + (sequenceNumber - 1)));
    }

    /** The key that sends a message of this type in the samples: the server's for server messages, else the client's. */
    public static GatewayKeyPair senderKey(MessageType type) {
        return type.sender() == MessageType.Sender.SERVER ? SERVER_KEY : CLIENT_KEY;
    }

    public static TransferInitClaim initClaim(GatewayKeyPair senderKey) {
        return new TransferInitClaim(
                "asset:fabric:bond-2026-07",
                "profile:iso-24165:bond",
                TransferInitClaim.MAX_AMOUNT,
                "did:example:originator-7f3a",
                "did:example:beneficiary-19c4",
                "04a1b2c3d4e5f60718293a4b5c6d7e8f90",
                "04f0e1d2c3b4a5968778695a4b3c2d1e0f",
                senderKey.publicJwk(),
                SERVER_KEY.publicJwk(),
                "gateway-g1.bank-a.example",
                "gateway-g2.bank-b.example",
                "fabric:network-1",
                "besu:network-2",
                "org:bank-a",
                "org:bank-b");
    }

    public static TransferProposal proposal(GatewayKeyPair senderKey) {
        String alg = senderKey.algorithm().jwsName();
        return new TransferProposal(
                common(MessageType.TRANSFER_PROPOSAL, 1, null),
                initClaim(senderKey),
                new NetworkCapabilities(alg, List.of(alg, "ES256".equals(alg) ? "ES256K" : "ES256"),
                        NetworkCapabilities.LockType.HASH_TIME_LOCK, 3_600_000L, "TLS1.3-mutual"),
                5,
                86_400_000L);
    }

    /** An assertion claim signed (deterministically) by {@code key}, as a gateway makes one. */
    public static AssertionClaim claim(String action, GatewayKeyPair key) {
        String receipt = "receipt:" + action + ":tx-0x5e1f";
        String proof = "proof:" + action + ":ledger-record-0091";
        Map<String, String> body = new TreeMap<>(Map.of("proof", proof, "receipt", receipt));
        return new AssertionClaim(receipt, proof, new MessageSigner(CODEC, key).signValue(body));
    }

    /** One fixed message of every type. */
    public static Map<MessageType, SatpMessage> all() {
        Map<MessageType, SatpMessage> m = new EnumMap<>(MessageType.class);
        m.put(MessageType.TRANSFER_PROPOSAL, proposal(CLIENT_KEY));
        m.put(MessageType.PROPOSAL_RECEIPT, new ProposalReceipt(common(MessageType.PROPOSAL_RECEIPT, 2),
                hashOf("transferInitClaim")));
        m.put(MessageType.TRANSFER_REJECT, new TransferReject(common(MessageType.TRANSFER_REJECT, 2),
                hashOf("transferInitClaim"), "err_1.1.13", "amount exceeds the beneficiary's limit"));
        m.put(MessageType.TRANSFER_COMMENCE, new TransferCommence(common(MessageType.TRANSFER_COMMENCE, 3),
                hashOf("transferInitClaim")));
        m.put(MessageType.ACK_COMMENCE, new AckCommence(common(MessageType.ACK_COMMENCE, 4)));
        m.put(MessageType.LOCK_ASSERT, new LockAssert(
                new Common(Common.VERSION, MessageType.LOCK_ASSERT, SESSION_ID, CONTEXT_ID, 5,
                        hashOf("message 4"), "2026-01-01T00:00:05.250Z"),
                claim("lock", CLIENT_KEY), "reference-ledger/v1", "2026-01-01T01:00:00Z"));
        m.put(MessageType.ASSERTION_RECEIPT, new AssertionReceipt(common(MessageType.ASSERTION_RECEIPT, 6)));
        m.put(MessageType.COMMIT_PREPARE, new CommitPrepare(common(MessageType.COMMIT_PREPARE, 7)));
        m.put(MessageType.COMMIT_READY, new CommitReady(common(MessageType.COMMIT_READY, 8),
                claim("mint", SERVER_KEY), "reference-ledger/v1"));
        m.put(MessageType.COMMIT_FINAL, new CommitFinal(common(MessageType.COMMIT_FINAL, 9),
                claim("burn", CLIENT_KEY), "reference-ledger/v1"));
        m.put(MessageType.ACK_COMMIT_FINAL, new AckCommitFinal(common(MessageType.ACK_COMMIT_FINAL, 10),
                claim("assign", SERVER_KEY), "reference-ledger/v1"));
        m.put(MessageType.TRANSFER_COMPLETE, new TransferComplete(common(MessageType.TRANSFER_COMPLETE, 11),
                hashOf("message 3")));
        // Strings with characters JCS must escape (quote, backslash, newline, tab, a C0 control) or must not
        // escape (non-ASCII, U+2028, an astral-plane character).
        m.put(MessageType.ERROR, new ErrorMessage(common(MessageType.ERROR, 5, hashOf("offending message")),
                "err_2.2.3", "hashPrevMessage does not match the previous message",
                "expected \"" + hashOf("message 4").substring(0, 8) + "\\...\"\n\tgot\u0001 something else"));
        m.put(MessageType.SESSION_ABORT, new SessionAbort(common(MessageType.SESSION_ABORT, 6),
                "Überweisung storniert – 100 € \u2028 \uD83D\uDE00"));
        m.put(MessageType.RECOVER, new Recover(common(MessageType.RECOVER, 8), "stage-3", true,
                BACKUP_KEY.publicJwk(), "MIIBszCCAVmgAwIBAgIUQmFja3VwLWNlcnQtZml4ZWQ=", "2026-01-01T00:00:08Z",
                "crash-error-code:503"));
        m.put(MessageType.RECOVER_UPDATE, new RecoverUpdate(common(MessageType.RECOVER_UPDATE, 9),
                hashOf("recover-msg"),
                List.of(new MessageSigner(CODEC, SERVER_KEY).sign(new AckCommence(common(MessageType.ACK_COMMENCE, 4))).wire())));
        m.put(MessageType.RECOVER_UPDATE_ACK, new RecoverUpdateAck(common(MessageType.RECOVER_UPDATE_ACK, 8),
                hashOf("recover-update-msg"), true, List.of(hashOf("entry 4"), hashOf("entry 5"))));
        m.put(MessageType.RECOVER_SUCCESS, new RecoverSuccess(common(MessageType.RECOVER_SUCCESS, 9), true));
        m.put(MessageType.ROLLBACK, new Rollback(common(MessageType.ROLLBACK, 8), true, List.of("UNLOCK"),
                List.of("proof:unlock:ledger-record-0092")));
        m.put(MessageType.ROLLBACK_ACK, new RollbackAck(common(MessageType.ROLLBACK_ACK, 9), true, List.of("BURN"),
                List.of("proof:burn:ledger-record-0093")));
        if (m.size() != MessageType.values().length) {
            throw new AssertionError("a sample is missing for some message type");
        }
        return m;
    }

    public static SatpMessage of(MessageType type) {
        return all().get(type);
    }
}
