package org.satpgateway.core.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MessageTypeTest {
    private static final String CORE = "urn:ietf:params:satp:core:msgtype:";
    private static final String RECOVERY = "urn:ietf:SATP-2pc:msgtype:";

    /** The stable codes, wire names and error prefixes, written out so that any renumbering or renaming is caught. */
    private record Row(int code, String wireName, String errorPrefix, Class<? extends SatpMessage> record) {}

    private static final Map<MessageType, Row> TABLE = new EnumMap<>(Map.ofEntries(
            Map.entry(MessageType.TRANSFER_PROPOSAL, new Row(1, CORE + "transfer-proposal-msg", "1.1", TransferProposal.class)),
            Map.entry(MessageType.PROPOSAL_RECEIPT, new Row(2, CORE + "proposal-receipt-msg", "1.2", ProposalReceipt.class)),
            Map.entry(MessageType.TRANSFER_COMMENCE, new Row(3, CORE + "transfer-commence-msg", "1.3", TransferCommence.class)),
            Map.entry(MessageType.ACK_COMMENCE, new Row(4, CORE + "ack-commence-msg", "1.4", AckCommence.class)),
            Map.entry(MessageType.LOCK_ASSERT, new Row(5, CORE + "lock-assert-msg", "2.2", LockAssert.class)),
            Map.entry(MessageType.ASSERTION_RECEIPT, new Row(6, CORE + "assertion-receipt-msg", "2.4", AssertionReceipt.class)),
            Map.entry(MessageType.COMMIT_PREPARE, new Row(7, CORE + "commit-prepare-msg", "3.1", CommitPrepare.class)),
            Map.entry(MessageType.COMMIT_READY, new Row(8, CORE + "commit-ready-msg", "3.3", CommitReady.class)),
            Map.entry(MessageType.COMMIT_FINAL, new Row(9, CORE + "commit-final-msg", "3.5", CommitFinal.class)),
            Map.entry(MessageType.ACK_COMMIT_FINAL, new Row(10, CORE + "ack-commit-final-msg", "3.7", AckCommitFinal.class)),
            Map.entry(MessageType.TRANSFER_COMPLETE, new Row(11, CORE + "commit-transfer-complete-msg", "3.9", TransferComplete.class)),
            Map.entry(MessageType.TRANSFER_REJECT, new Row(12, CORE + "reject-msg", "1.2", TransferReject.class)),
            Map.entry(MessageType.ERROR, new Row(20, CORE + "error-msg", "0.0", ErrorMessage.class)),
            Map.entry(MessageType.SESSION_ABORT, new Row(21, CORE + "session-abort-msg", "0.0", SessionAbort.class)),
            Map.entry(MessageType.RECOVER, new Row(30, RECOVERY + "recover-msg", "0.0", Recover.class)),
            Map.entry(MessageType.RECOVER_UPDATE, new Row(31, RECOVERY + "recover-update-msg", "0.0", RecoverUpdate.class)),
            Map.entry(MessageType.RECOVER_UPDATE_ACK, new Row(32, RECOVERY + "recover-update-ack-msg", "0.0", RecoverUpdateAck.class)),
            Map.entry(MessageType.RECOVER_SUCCESS, new Row(33, RECOVERY + "recover-success-msg", "0.0", RecoverSuccess.class)),
            Map.entry(MessageType.ROLLBACK, new Row(34, RECOVERY + "rollback-msg", "0.0", Rollback.class)),
            Map.entry(MessageType.ROLLBACK_ACK, new Row(35, RECOVERY + "rollback-ack-msg", "0.0", RollbackAck.class))));

    @Test
    void thereAreExactlyTheTwentyTypesOfTheTable() {
        assertEquals(20, MessageType.values().length);
        assertEquals(EnumSet.allOf(MessageType.class), TABLE.keySet());
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void codeWireNameAndRecordMatchTheTable(MessageType type) {
        Row row = TABLE.get(type);
        assertEquals(row.code(), type.code(), "the code of " + type + " is persisted: never renumber it");
        assertEquals(row.wireName(), type.wireName());
        assertEquals(row.record(), type.recordType());
        assertEquals(row.wireName().substring(row.wireName().lastIndexOf(':') + 1), type.shortName());
        assertEquals("err_" + row.errorPrefix() + ".3", type.mismatchCode(3));
    }

    @Test
    void codesAreUniqueAndResolveBack() {
        Set<Integer> codes = new HashSet<>();
        for (MessageType type : MessageType.values()) {
            assertTrue(codes.add(type.code()), "duplicate code " + type.code());
            assertTrue(type.code() > 0);
            assertEquals(Optional.of(type), MessageType.fromCode(type.code()));
        }
        assertEquals(Optional.empty(), MessageType.fromCode(0));
        assertEquals(Optional.empty(), MessageType.fromCode(13));
    }

    @Test
    void codesAreNotOrdinals() {
        // Reordering the enum must not change a code: at least one code differs from its ordinal + 1 already.
        assertTrue(Stream.of(MessageType.values()).anyMatch(t -> t.code() != t.ordinal() + 1));
    }

    @Test
    void wireNamesAreUniqueCarryTheirFamilyPrefixAndResolveBack() {
        Set<String> names = new HashSet<>();
        Set<String> shortNames = new HashSet<>();
        Set<Class<?>> records = new HashSet<>();
        for (MessageType type : MessageType.values()) {
            assertTrue(names.add(type.wireName()), "duplicate wire name " + type.wireName());
            assertTrue(shortNames.add(type.shortName()), "duplicate short name " + type.shortName());
            assertTrue(records.add(type.recordType()), "two types share " + type.recordType());
            String prefix = TABLE.get(type).code() >= 30 ? RECOVERY : CORE;
            assertTrue(type.wireName().startsWith(prefix), type.wireName());
            assertTrue(type.shortName().matches("[a-z]+(-[a-z]+)*-msg"), type.shortName());
            assertEquals(Optional.of(type), MessageType.lookup(type.wireName()));
            assertEquals(type, MessageType.fromWireName(type.wireName()));
            assertEquals(Optional.of(type), MessageType.fromShortName(type.shortName()));
        }
        assertEquals(Optional.empty(), MessageType.lookup("transfer-proposal-msg"));
        assertEquals(Optional.empty(), MessageType.lookup(RECOVERY + "transfer-proposal-msg"));
        assertThrows(IllegalArgumentException.class, () -> MessageType.fromWireName(CORE + "teleport-msg"));
    }

    @Test
    void onlyTheNumberedCoreMessagesExtendTheChain() {
        for (MessageType type : MessageType.values()) {
            assertEquals(TABLE.get(type).code() <= 12, type.inChain(), type.toString());
        }
    }

    @Test
    void sendersAreTheRolesOfProtocolMd() {
        Set<MessageType> client = EnumSet.of(MessageType.TRANSFER_PROPOSAL, MessageType.TRANSFER_COMMENCE,
                MessageType.LOCK_ASSERT, MessageType.COMMIT_PREPARE, MessageType.COMMIT_FINAL, MessageType.TRANSFER_COMPLETE);
        Set<MessageType> server = EnumSet.of(MessageType.PROPOSAL_RECEIPT, MessageType.TRANSFER_REJECT,
                MessageType.ACK_COMMENCE, MessageType.ASSERTION_RECEIPT, MessageType.COMMIT_READY, MessageType.ACK_COMMIT_FINAL);
        for (MessageType type : MessageType.values()) {
            MessageType.Sender expected = client.contains(type) ? MessageType.Sender.CLIENT
                    : server.contains(type) ? MessageType.Sender.SERVER : MessageType.Sender.EITHER;
            assertEquals(expected, type.sender(), type.toString());
        }
    }

    // --- record constructors name the missing field ----------------------------------------------------------

    private static final String T = "2026-01-01T00:00:00Z";
    private static final String H = "a".repeat(64);
    private static final PublicJwk JWK = new PublicJwk(Map.of("kty", "EC", "crv", "P-256",
            "x", "_ACI-2AnAcoZ952t6h6UPyDL39wv3vxqjPKjjbMIDAk", "y", "arhc8P6SgAAvzjqpSeFc5CUJHJf-m2Wb-ypAusVe0aM"));
    private static final AssertionClaim CLAIM = new AssertionClaim("receipt", "proof", "sig");
    private static final NetworkCapabilities CAPS = new NetworkCapabilities("ES256", List.of("ES256"),
            NetworkCapabilities.LockType.TIME_LOCK, 60_000, "TLS1.3");

    private static Common common(MessageType type) {
        return new Common("1.0", type, "session-1", "context-1", 1, null, T);
    }

    private static TransferInitClaim claim(String digitalAssetId, String assetProfileId, String originator,
            String beneficiary, PublicJwk senderKey, String senderGatewayId, String recipientNetworkId) {
        return new TransferInitClaim(digitalAssetId, assetProfileId, 10, originator, beneficiary, "opk", "bpk",
                senderKey, JWK, senderGatewayId, "g2", "n1", recipientNetworkId, null, null);
    }

    static Stream<Arguments> missingFields() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "common.version", () -> new Common(null, MessageType.ACK_COMMENCE, "s", "c", 1, null, T));
        add(cases, "common.version", () -> new Common(" ", MessageType.ACK_COMMENCE, "s", "c", 1, null, T));
        add(cases, "common.messageType", () -> new Common("1.0", null, "s", "c", 1, null, T));
        add(cases, "common.sessionId", () -> new Common("1.0", MessageType.ACK_COMMENCE, null, "c", 1, null, T));
        add(cases, "common.sessionId", () -> new Common("1.0", MessageType.ACK_COMMENCE, "", "c", 1, null, T));
        add(cases, "common.transferContextId", () -> new Common("1.0", MessageType.ACK_COMMENCE, "s", null, 1, null, T));
        add(cases, "common.sequenceNumber", () -> new Common("1.0", MessageType.ACK_COMMENCE, "s", "c", -1, null, T));
        add(cases, "common.timestamp", () -> new Common("1.0", MessageType.ACK_COMMENCE, "s", "c", 1, null, null));
        add(cases, "common.timestamp", () -> new Common("1.0", MessageType.ACK_COMMENCE, "s", "c", 1, null, "noon"));

        add(cases, "transferInitClaim.digitalAssetId", () -> claim(null, "p", "o", "b", JWK, "g1", "n2"));
        add(cases, "transferInitClaim.assetProfileId", () -> claim("a", "", "o", "b", JWK, "g1", "n2"));
        add(cases, "transferInitClaim.verifiedOriginatorEntityId", () -> claim("a", "p", null, "b", JWK, "g1", "n2"));
        add(cases, "transferInitClaim.verifiedBeneficiaryEntityId", () -> claim("a", "p", "o", null, JWK, "g1", "n2"));
        add(cases, "transferInitClaim.senderGatewaySignaturePublicKey", () -> claim("a", "p", "o", "b", null, "g1", "n2"));
        add(cases, "transferInitClaim.senderGatewayId", () -> claim("a", "p", "o", "b", JWK, null, "n2"));
        add(cases, "transferInitClaim.recipientGatewayNetworkId", () -> claim("a", "p", "o", "b", JWK, "g1", null));
        add(cases, "transferInitClaim.amount", () -> new TransferInitClaim("a", "p", 0, "o", "b", "opk", "bpk", JWK, JWK,
                "g1", "g2", "n1", "n2", null, null));
        add(cases, "transferInitClaim.receiverGatewaySignaturePublicKey", () -> new TransferInitClaim("a", "p", 1, "o",
                "b", "opk", "bpk", JWK, null, "g1", "g2", "n1", "n2", null, null));

        add(cases, "gatewayAndNetworkCapabilities.gatewayDefaultSignatureAlgorithm",
                () -> new NetworkCapabilities(null, List.of("ES256"), NetworkCapabilities.LockType.TIME_LOCK, 1, "TLS1.3"));
        add(cases, "gatewayAndNetworkCapabilities.gatewaySupportedSignatureAlgorithms",
                () -> new NetworkCapabilities("ES256", null, NetworkCapabilities.LockType.TIME_LOCK, 1, "TLS1.3"));
        add(cases, "gatewayAndNetworkCapabilities.networkLockType",
                () -> new NetworkCapabilities("ES256", List.of("ES256"), null, 1, "TLS1.3"));
        add(cases, "gatewayAndNetworkCapabilities.networkLockExpirationTime",
                () -> new NetworkCapabilities("ES256", List.of("ES256"), NetworkCapabilities.LockType.TIME_LOCK, 0, "TLS1.3"));
        add(cases, "gatewayAndNetworkCapabilities.gatewayTlsScheme",
                () -> new NetworkCapabilities("ES256", List.of("ES256"), NetworkCapabilities.LockType.TIME_LOCK, 1, " "));

        add(cases, "claim.receipt", () -> new AssertionClaim(null, "p", "s"));
        add(cases, "claim.proof", () -> new AssertionClaim("r", "", "s"));
        add(cases, "claim.signature", () -> new AssertionClaim("r", "p", null));
        add(cases, "jwk.x", () -> new PublicJwk(Map.of("kty", "EC", "crv", "P-256", "y", "y")));
        add(cases, "jwk.crv", () -> new PublicJwk(Map.of("kty", "EC", "x", "x", "y", "y")));
        add(cases, "jwk.kty", () -> new PublicJwk(Map.of("crv", "P-256", "x", "x", "y", "y")));

        add(cases, "common", () -> new AckCommence(null));
        add(cases, "transferInitClaim", () -> new TransferProposal(common(MessageType.TRANSFER_PROPOSAL), null, CAPS, 1, 1));
        add(cases, "gatewayAndNetworkCapabilities",
                () -> new TransferProposal(common(MessageType.TRANSFER_PROPOSAL), claim("a", "p", "o", "b", JWK, "g1", "n2"), null, 1, 1));
        add(cases, "maxTimeout", () -> new TransferProposal(common(MessageType.TRANSFER_PROPOSAL),
                claim("a", "p", "o", "b", JWK, "g1", "n2"), CAPS, 1, 0));
        add(cases, "maxRetries", () -> new TransferProposal(common(MessageType.TRANSFER_PROPOSAL),
                claim("a", "p", "o", "b", JWK, "g1", "n2"), CAPS, -1, 1));
        add(cases, "hashTransferInitClaim", () -> new ProposalReceipt(common(MessageType.PROPOSAL_RECEIPT), null));
        add(cases, "hashTransferInitClaim", () -> new ProposalReceipt(common(MessageType.PROPOSAL_RECEIPT), "abc"));
        add(cases, "reasonCode", () -> new TransferReject(common(MessageType.TRANSFER_REJECT), H, null, "r"));
        add(cases, "reason", () -> new TransferReject(common(MessageType.TRANSFER_REJECT), H, "err_1.1.13", ""));
        add(cases, "hashTransferInitClaim", () -> new TransferCommence(common(MessageType.TRANSFER_COMMENCE), null));
        add(cases, "lockAssertionClaim", () -> new LockAssert(common(MessageType.LOCK_ASSERT), null, "f", T));
        add(cases, "lockAssertionClaimFormat", () -> new LockAssert(common(MessageType.LOCK_ASSERT), CLAIM, null, T));
        add(cases, "lockAssertionExpiration", () -> new LockAssert(common(MessageType.LOCK_ASSERT), CLAIM, "f", null));
        add(cases, "lockAssertionExpiration", () -> new LockAssert(common(MessageType.LOCK_ASSERT), CLAIM, "f", "later"));
        add(cases, "mintAssertionClaim", () -> new CommitReady(common(MessageType.COMMIT_READY), null, "f"));
        add(cases, "mintAssertionClaimFormat", () -> new CommitReady(common(MessageType.COMMIT_READY), CLAIM, " "));
        add(cases, "burnAssertionClaim", () -> new CommitFinal(common(MessageType.COMMIT_FINAL), null, "f"));
        add(cases, "burnAssertionClaimFormat", () -> new CommitFinal(common(MessageType.COMMIT_FINAL), CLAIM, null));
        add(cases, "assignmentAssertionClaim", () -> new AckCommitFinal(common(MessageType.ACK_COMMIT_FINAL), null, "f"));
        add(cases, "assignmentAssertionClaimFormat", () -> new AckCommitFinal(common(MessageType.ACK_COMMIT_FINAL), CLAIM, null));
        add(cases, "hashTransferCommence", () -> new TransferComplete(common(MessageType.TRANSFER_COMPLETE), null));
        add(cases, "errorCode", () -> new ErrorMessage(common(MessageType.ERROR), null, "t", "d"));
        add(cases, "title", () -> new ErrorMessage(common(MessageType.ERROR), "err_0.1.1", "", "d"));
        add(cases, "detail", () -> new ErrorMessage(common(MessageType.ERROR), "err_0.1.1", "t", null));
        add(cases, "reason", () -> new SessionAbort(common(MessageType.SESSION_ABORT), null));
        add(cases, "satpPhase", () -> new Recover(common(MessageType.RECOVER), null, false, null, null, null, null));
        add(cases, "lastEntryTimestamp", () -> new Recover(common(MessageType.RECOVER), "stage-2", false, null, null, "x", null));
        add(cases, "hashRecoverMessage", () -> new RecoverUpdate(common(MessageType.RECOVER_UPDATE), null, List.of()));
        add(cases, "recoveredMessages", () -> new RecoverUpdate(common(MessageType.RECOVER_UPDATE), H, null));
        add(cases, "recoveredMessages[]", () -> new RecoverUpdate(common(MessageType.RECOVER_UPDATE), H, nullList()));
        add(cases, "hashRecoverUpdateMessage", () -> new RecoverUpdateAck(common(MessageType.RECOVER_UPDATE_ACK), null, true, List.of()));
        add(cases, "entriesChanged", () -> new RecoverUpdateAck(common(MessageType.RECOVER_UPDATE_ACK), H, true, null));
        add(cases, "actionsPerformed", () -> new Rollback(common(MessageType.ROLLBACK), true, null, List.of()));
        add(cases, "proofs", () -> new Rollback(common(MessageType.ROLLBACK), true, List.of(), null));
        add(cases, "actionsPerformed", () -> new RollbackAck(common(MessageType.ROLLBACK_ACK), true, null, List.of()));
        add(cases, "proofs[]", () -> new RollbackAck(common(MessageType.ROLLBACK_ACK), true, List.of(), nullList()));
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String field, Supplier<Object> constructor) {
        cases.add(Arguments.of(field, constructor));
    }

    private static List<String> nullList() {
        List<String> list = new ArrayList<>();
        list.add(null);
        return list;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("missingFields")
    void constructorRejectsAMissingOrInvalidFieldNamingIt(String field, Supplier<Object> constructor) {
        RuntimeException e = assertThrows(RuntimeException.class, constructor::get);
        assertTrue(e instanceof IllegalArgumentException || e instanceof NullPointerException, e.toString());
        assertTrue(e.getMessage() != null && e.getMessage().contains(field),
                "the message should name " + field + ": " + e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void aHeaderOfAnotherTypeIsRejectedNamingBothTypes(MessageType headerType) {
        if (headerType == MessageType.ACK_COMMENCE) {
            new AckCommence(common(headerType));
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AckCommence(common(headerType)));
        assertTrue(e.getMessage().contains(headerType.wireName()) && e.getMessage().contains("ack-commence-msg"), e.getMessage());
    }

    @Test
    void optionalFieldsMayBeAbsentAndListsAreCopied() {
        new Common("1.0", MessageType.TRANSFER_PROPOSAL, "s", "c", 0, null, T);
        new Recover(common(MessageType.RECOVER), "stage-1", false, null, null, null, null);
        new TransferInitClaim("a", "p", TransferInitClaim.MAX_AMOUNT, "o", "b", "opk", "bpk", JWK, JWK, "g1", "g2", "n1",
                "n2", null, null);
        List<String> proofs = new ArrayList<>(List.of("p1"));
        Rollback rollback = new Rollback(common(MessageType.ROLLBACK), true, List.of("UNLOCK"), proofs);
        proofs.add("p2");
        assertEquals(List.of("p1"), rollback.proofs(), "a record must not share a caller's mutable list");
        Map<String, String> members = new HashMap<>(JWK.members());
        PublicJwk jwk = new PublicJwk(members);
        members.put("x", "changed");
        assertEquals(JWK, jwk);
    }

    @Test
    void amountUpToTwoToTheFiftyThreeMinusOne() {
        assertEquals((1L << 53) - 1, TransferInitClaim.MAX_AMOUNT);
        assertThrows(IllegalArgumentException.class, () -> new TransferInitClaim("a", "p", TransferInitClaim.MAX_AMOUNT + 1,
                "o", "b", "opk", "bpk", JWK, JWK, "g1", "g2", "n1", "n2", null, null));
    }
}
