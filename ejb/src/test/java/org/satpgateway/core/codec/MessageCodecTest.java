package org.satpgateway.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Hashes;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.RecoverUpdateAck;
import org.satpgateway.core.message.SatpMessage;

class MessageCodecTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    // --- round trip ------------------------------------------------------------------------------------------

    @Nested
    class RoundTrip {
        @ParameterizedTest
        @EnumSource(MessageType.class)
        void everyTypeSurvivesSignEncodeDecodeVerify(MessageType type) {
            SatpMessage original = SampleMessages.of(type);
            GatewayKeyPair key = SampleMessages.senderKey(type);
            SignedMessage sent = new MessageSigner(CODEC, key).sign(original);

            Decoded.Message received = message(utf8(sent.wire()));
            assertEquals(original, received.message().message());
            assertEquals(type, received.message().message().type());
            assertEquals(sent, received.message(), "same record, signature, wire text and hash on both sides");
            assertArrayEquals(CODEC.payload(original), received.payload());
            assertEquals(Optional.empty(), Jws.verifyDetached(received.payload(), received.message().signature(), key.publicJwk()));
        }

        @Test
        void es256kRoundTrip() {
            SatpMessage original = SampleMessages.proposal(SampleMessages.K1_KEY);
            SignedMessage sent = new MessageSigner(CODEC, SampleMessages.K1_KEY).sign(original);
            Decoded.Message received = message(utf8(sent.wire()));
            assertEquals(original, received.message().message());
            assertEquals(Optional.empty(), Jws.verifyDetached(received.payload(), received.message().signature(),
                    SampleMessages.K1_KEY.publicJwk()));
        }

        @ParameterizedTest
        @EnumSource(MessageType.class)
        void payloadIsTheWireTextWithoutItsSignatureMember(MessageType type) {
            SignedMessage sent = sign(SampleMessages.of(type));
            ObjectNode tree = tree(sent.wire());
            assertEquals(sent.signature(), tree.remove("signature").asText());
            String payload = new String(CODEC.payload(sent.message()), StandardCharsets.UTF_8);
            assertEquals(CODEC.canonicalJson(tree), payload);
            assertFalse(tree(payload).has("signature"), "the payload has no top-level signature member");
        }

        @Test
        void nonCanonicalButEquivalentInputGivesTheSamePayloadAndTheHashOfWhatWasReceived() throws IOException {
            SignedMessage sent = sign(SampleMessages.of(MessageType.TRANSFER_PROPOSAL));
            byte[] pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree(sent.wire()));
            Decoded.Message received = message(pretty);
            assertEquals(sent.message(), received.message().message());
            assertArrayEquals(CODEC.payload(sent.message()), received.payload());
            assertEquals(Hashes.sha256Hex(pretty), received.message().hash());
            assertEquals(Optional.empty(), Jws.verifyDetached(received.payload(), received.message().signature(),
                    SampleMessages.CLIENT_KEY.publicJwk()));
        }

        @Test
        void aMessageExactlyAtTheSizeLimitIsAccepted() {
            byte[] wire = utf8(sign(SampleMessages.of(MessageType.COMMIT_READY)).wire());
            assertInstanceOf(Decoded.Message.class, new MessageCodec(wire.length).decode(wire));
        }
    }

    // --- refusals --------------------------------------------------------------------------------------------

    @Nested
    class Refusals {
        @Test
        void oversizeInputIsPayloadTooLarge() {
            byte[] wire = utf8(sign(SampleMessages.of(MessageType.COMMIT_READY)).wire());
            assertRefused(SatpError.PAYLOAD_TOO_LARGE, new MessageCodec(wire.length - 1).decode(wire));
            // The size is checked before parsing: garbage over the limit is "too large", not "malformed".
            assertRefused(SatpError.PAYLOAD_TOO_LARGE, new MessageCodec(64).decode(new byte[65]));
            assertRefused(SatpError.PAYLOAD_TOO_LARGE, CODEC.decode(new byte[MessageCodec.DEFAULT_MAX_BYTES + 1]));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "not json", "{", "{\"common\":", "{'common':{}}", "{\"a\":1}}", "{\"a\":1} {}",
                "\u0000", "{\"common\":{\"messageType\":\"x\"},}"})
        void notJsonIsMalformed(String input) {
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(utf8(input)));
        }

        @Test
        void trailingOrTruncatedValidMessageIsMalformed() {
            String wire = sign(SampleMessages.of(MessageType.TRANSFER_COMMENCE)).wire();
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(utf8(wire + "x")));
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(utf8(wire + wire)));
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(utf8(wire.substring(0, wire.length() - 1))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"common\":{}}]", "\"text\"", "42", "true", "null"})
        void notAnObjectIsMalformed(String input) {
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(utf8(input)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"common\"", "[]", "null", "1"})
        void commonMissingOrNotAnObjectIsMalformed(String commonValue) {
            ObjectNode tree = tree(sign(SampleMessages.of(MessageType.ACK_COMMENCE)).wire());
            tree.set("common", parse(commonValue));
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(bytes(tree)));
            tree.remove("common");
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(bytes(tree)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"\"urn:ietf:params:satp:core:msgtype:teleport-msg\"",
                "\"urn:ietf:SATP-2pc:msgtype:transfer-proposal-msg\"", "\"MESSAGE_TYPE_TELEPORT\"", "\"\"", "1",
                "null", "{}", "[\"urn:ietf:params:satp:core:msgtype:transfer-proposal-msg\"]"})
        void unknownOrNonTextMessageTypeIsUnknownMessageType(String typeValue) {
            ObjectNode tree = tree(sign(SampleMessages.of(MessageType.TRANSFER_PROPOSAL)).wire());
            ((ObjectNode) tree.get("common")).set("messageType", parse(typeValue));
            assertRefused(SatpError.UNKNOWN_MESSAGE_TYPE, CODEC.decode(bytes(tree)));
        }

        @Test
        void missingMessageTypeIsUnknownMessageType() {
            ObjectNode tree = tree(sign(SampleMessages.of(MessageType.TRANSFER_PROPOSAL)).wire());
            ((ObjectNode) tree.get("common")).remove("messageType");
            assertRefused(SatpError.UNKNOWN_MESSAGE_TYPE, CODEC.decode(bytes(tree)));
        }

        static Stream<Arguments> requiredFields() {
            return Stream.of(
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/common/version"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/common/sessionId"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/common/transferContextId"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/common/timestamp"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/digitalAssetId"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/senderGatewaySignaturePublicKey"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/senderGatewaySignaturePublicKey/x"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/recipientGatewayNetworkId"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/gatewayAndNetworkCapabilities"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/gatewayAndNetworkCapabilities/networkLockType"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/maxTimeout"),
                    Arguments.of(MessageType.PROPOSAL_RECEIPT, "/hashTransferInitClaim"),
                    Arguments.of(MessageType.TRANSFER_REJECT, "/reasonCode"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/hashTransferInitClaim"),
                    Arguments.of(MessageType.LOCK_ASSERT, "/lockAssertionClaim"),
                    Arguments.of(MessageType.LOCK_ASSERT, "/lockAssertionClaim/proof"),
                    Arguments.of(MessageType.LOCK_ASSERT, "/lockAssertionExpiration"),
                    Arguments.of(MessageType.COMMIT_READY, "/mintAssertionClaimFormat"),
                    Arguments.of(MessageType.COMMIT_FINAL, "/burnAssertionClaim"),
                    Arguments.of(MessageType.ACK_COMMIT_FINAL, "/assignmentAssertionClaim/signature"),
                    Arguments.of(MessageType.TRANSFER_COMPLETE, "/hashTransferCommence"),
                    Arguments.of(MessageType.ERROR, "/errorCode"),
                    Arguments.of(MessageType.SESSION_ABORT, "/reason"),
                    Arguments.of(MessageType.RECOVER, "/satpPhase"),
                    Arguments.of(MessageType.RECOVER_UPDATE, "/recoveredMessages"),
                    Arguments.of(MessageType.RECOVER_UPDATE_ACK, "/entriesChanged"),
                    Arguments.of(MessageType.ROLLBACK, "/proofs"),
                    Arguments.of(MessageType.ROLLBACK_ACK, "/actionsPerformed"));
        }

        @ParameterizedTest(name = "{0} without {1}")
        @MethodSource("requiredFields")
        void missingRequiredFieldIsMalformed(MessageType type, String pointer) {
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(mutated(type, pointer, null)));
        }

        static Stream<Arguments> wrongJsonTypes() {
            return Stream.of(
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", "\"100\""),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", "100.5"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", "100.0"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", "true"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", "null"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", "[100]"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/digitalAssetId", "42"),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/senderGatewaySignaturePublicKey", "\"a key\""),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/gatewayAndNetworkCapabilities/networkLockType", "\"ETERNAL_LOCK\""),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/gatewayAndNetworkCapabilities/gatewaySupportedSignatureAlgorithms", "\"ES256\""),
                    Arguments.of(MessageType.TRANSFER_PROPOSAL, "/maxRetries", "\"5\""),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/sequenceNumber", "\"3\""),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/sequenceNumber", "3.5"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/sequenceNumber", "true"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/sequenceNumber", "99999999999999999999"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/sequenceNumber", "-1"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", "1767225600"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/sessionId", "{}"),
                    Arguments.of(MessageType.RECOVER_SUCCESS, "/success", "1"),
                    Arguments.of(MessageType.RECOVER_SUCCESS, "/success", "\"true\""),
                    Arguments.of(MessageType.RECOVER, "/isBackup", "0"),
                    Arguments.of(MessageType.SESSION_ABORT, "/reason", "42"),
                    Arguments.of(MessageType.SESSION_ABORT, "/reason", "false"),
                    Arguments.of(MessageType.SESSION_ABORT, "/reason", "{\"text\":\"x\"}"),
                    Arguments.of(MessageType.RECOVER_UPDATE, "/recoveredMessages", "\"one\""),
                    Arguments.of(MessageType.RECOVER_UPDATE, "/recoveredMessages", "[1]"),
                    Arguments.of(MessageType.ROLLBACK, "/proofs", "[null]"),
                    Arguments.of(MessageType.LOCK_ASSERT, "/lockAssertionClaim", "\"claim\""));
        }

        @ParameterizedTest(name = "{0} with {1} = {2}")
        @MethodSource("wrongJsonTypes")
        void wrongJsonTypeIsMalformed(MessageType type, String pointer, String value) {
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(mutated(type, pointer, value)));
        }

        @ParameterizedTest(name = "amount {0}")
        @ValueSource(strings = {"0", "-1", "9007199254740992"})
        void amountOutOfRangeIsRefused(String amount) {
            assertInstanceOf(Decoded.Refused.class,
                    CODEC.decode(mutated(MessageType.TRANSFER_PROPOSAL, "/transferInitClaim/amount", amount)));
        }

        static Stream<Arguments> invalidTimestamps() {
            return Stream.of(
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", "not-a-time"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", "2026-13-01T00:00:00Z"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", "2026-02-30T00:00:00Z"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", "2026-01-01 00:00:00"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", "2026-01-01T00:00:00"),
                    Arguments.of(MessageType.TRANSFER_COMMENCE, "/common/timestamp", ""),
                    Arguments.of(MessageType.LOCK_ASSERT, "/lockAssertionExpiration", "tomorrow"),
                    Arguments.of(MessageType.RECOVER, "/lastEntryTimestamp", "1767225600"));
        }

        @ParameterizedTest(name = "{0} with {1} = \"{2}\"")
        @MethodSource("invalidTimestamps")
        void invalidTimestampIsMalformed(MessageType type, String pointer, String value) {
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(mutated(type, pointer, quoted(value))));
        }

        static Stream<Arguments> badHashes() {
            String good = SampleMessages.hashOf("x");
            List<String> bad = List.of(good.toUpperCase(), good.substring(1), good + "0", "z" + good.substring(1),
                    "sha256:" + good, Base64.getEncoder().encodeToString(good.getBytes(StandardCharsets.UTF_8)), "");
            List<Arguments> cases = new ArrayList<>();
            for (String value : bad) {
                cases.add(Arguments.of(MessageType.PROPOSAL_RECEIPT, "/hashTransferInitClaim", value));
            }
            cases.add(Arguments.of(MessageType.TRANSFER_REJECT, "/hashTransferInitClaim", good.toUpperCase()));
            cases.add(Arguments.of(MessageType.TRANSFER_COMMENCE, "/hashTransferInitClaim", good.substring(2)));
            cases.add(Arguments.of(MessageType.TRANSFER_COMPLETE, "/hashTransferCommence", "not-a-hash"));
            cases.add(Arguments.of(MessageType.RECOVER_UPDATE, "/hashRecoverMessage", good.toUpperCase()));
            cases.add(Arguments.of(MessageType.RECOVER_UPDATE_ACK, "/hashRecoverUpdateMessage", good.substring(1)));
            return cases.stream();
        }

        @ParameterizedTest(name = "{0} with {1} = \"{2}\"")
        @MethodSource("badHashes")
        void badHashFormatIsMalformed(MessageType type, String pointer, String value) {
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(mutated(type, pointer, quoted(value))));
        }

        /**
         * {@code common.hashPrevMessage} is a SHA-256 hex digest like every other hash of the protocol (protocol.md,
         * "Hash chain"); a value that cannot be one is a schema error, caught at the door like the others.
         */
        @ParameterizedTest
        @ValueSource(strings = {"not-a-hash", "", "B2CC413A8AD48CA7F31CCB70CB7735E0AD6B7B3868FEBC4FBD1BD6B7B9415372"})
        void badHashPrevMessageFormatIsMalformed(String value) {
            assertRefused(SatpError.MALFORMED_MESSAGE,
                    CODEC.decode(mutated(MessageType.TRANSFER_COMMENCE, "/common/hashPrevMessage", quoted(value))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "null", "42", "{}", "[\"eyJ..abc\"]", "true"})
        void missingOrNonTextSignatureIsMalformed(String signatureValue) {
            ObjectNode tree = tree(sign(SampleMessages.of(MessageType.TRANSFER_COMMENCE)).wire());
            if (signatureValue.isEmpty()) {
                tree.remove("signature");
            } else {
                tree.set("signature", parse(signatureValue));
            }
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(bytes(tree)));
        }

        @Test
        void typeThatDoesNotFitTheFieldsIsMalformed() {
            // A commence message relabelled as a receipt: same field names, so it decodes; relabelled as a lock
            // assertion it lacks the claim.
            ObjectNode tree = tree(sign(SampleMessages.of(MessageType.TRANSFER_COMMENCE)).wire());
            ((ObjectNode) tree.get("common")).put("messageType", MessageType.LOCK_ASSERT.wireName());
            assertRefused(SatpError.MALFORMED_MESSAGE, CODEC.decode(bytes(tree)));
        }

        /**
         * A number JCS cannot represent (it overflows an IEEE double) is hostile input like any other: it must be
         * refused, not thrown.
         */
        @ParameterizedTest(name = "{0} = {1}")
        @MethodSource("hugeNumbers")
        void numberOutsideTheDoubleRangeIsRefusedNotThrown(String pointer, String literal) {
            byte[] input = mutated(MessageType.TRANSFER_PROPOSAL, pointer, literal);
            assertTrue(new String(input, StandardCharsets.UTF_8).contains(":" + literal));
            assertRefused(SatpError.MALFORMED_MESSAGE, decodeWithoutThrowing(input));
        }

        static Stream<Arguments> hugeNumbers() {
            List<Arguments> cases = new ArrayList<>();
            for (String pointer : List.of("/x-extension", "/common/sequenceNumber", "/transferInitClaim/amount")) {
                for (String literal : List.of("1e400", "-1e400", "1.0e+9999999999")) {
                    cases.add(Arguments.of(pointer, literal));
                }
            }
            return cases.stream();
        }

        @Test
        void nestingDeeperThanTheLimitIsMalformed() {
            String deep = "[".repeat(5000) + "]".repeat(5000);
            String wire = sign(SampleMessages.of(MessageType.ACK_COMMENCE)).wire();
            byte[] input = utf8("{\"x-extension\":" + deep + "," + wire.substring(1));
            assertRefused(SatpError.MALFORMED_MESSAGE, decodeWithoutThrowing(input));
        }
    }

    // --- a peer that leaves out sequenceNumber ---------------------------------------------------------------

    /**
     * protocol.md ("Fields common to every message"): the latest core dropped sequenceNumber; we keep it but
     * "accept a peer message without it where the hash chain suffices". {@code Common} documents the value as 0
     * when a peer left it out. So a message without it must decode (with 0), not be refused as malformed.
     */
    @Test
    void messageWithoutSequenceNumberDecodesWithZero() {
        SatpMessage original = SampleMessages.of(MessageType.TRANSFER_COMMENCE);
        ObjectNode tree = tree(sign(original).wire());
        ((ObjectNode) tree.get("common")).remove("sequenceNumber");
        byte[] input = resign(tree, SampleMessages.CLIENT_KEY);

        Decoded.Message m = message(input);
        assertEquals(0L, m.message().message().common().sequenceNumber());
        assertEquals(original.common().hashPrevMessage(), m.message().message().common().hashPrevMessage());
        assertEquals(Optional.empty(), Jws.verifyDetached(m.payload(), m.message().signature(),
                SampleMessages.CLIENT_KEY.publicJwk()));
    }

    // --- what is hashed is what was transmitted --------------------------------------------------------------

    /**
     * protocol.md: hashPrevMessage is the SHA-256 of the message "as transmitted". Whatever the codec does with
     * input that is not UTF-8 (JSON between systems must be UTF-8, RFC 8259 section 8.1), it must not accept it
     * and then hash and keep a different text than the bytes it received.
     */
    @Test
    void inputThatIsNotUtf8IsRefusedOrHashedAsReceived() {
        // The abort's reason has non-ASCII text: in UTF-16 its bytes are not valid UTF-8.
        String wire = sign(SampleMessages.of(MessageType.SESSION_ABORT)).wire();
        for (java.nio.charset.Charset charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
                java.nio.charset.Charset.forName("UTF-32BE"))) {
            byte[] input = wire.getBytes(charset);
            Decoded result = decodeWithoutThrowing(input);
            if (result instanceof Decoded.Message m) {
                assertEquals(Hashes.sha256Hex(input), m.message().hash(),
                        charset + " input was accepted, but its hash is not the hash of the bytes received");
                assertArrayEquals(input, m.message().wire().getBytes(StandardCharsets.UTF_8),
                        charset + " input was accepted, but the kept wire text is not what was received");
            }
        }
    }

    // --- hostile input never throws --------------------------------------------------------------------------

    @Test
    void decodeNeverThrowsOnHostileInput() {
        Random random = new Random(0x5A7B_2026L);
        List<byte[]> bases = new ArrayList<>();
        for (MessageType type : MessageType.values()) {
            bases.add(utf8(sign(SampleMessages.of(type)).wire()));
        }
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (int i = 0; i < 480; i++) {
            byte[] base = bases.get(random.nextInt(bases.size()));
            String strategy;
            byte[] input;
            switch (i % 8) {
                case 0 -> {
                    strategy = "flip bytes";
                    input = base.clone();
                    for (int n = 1 + random.nextInt(4); n > 0; n--) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    strategy = "truncate";
                    input = java.util.Arrays.copyOf(base, random.nextInt(base.length));
                }
                case 2 -> {
                    strategy = "insert JSON punctuation";
                    input = insert(base, random.nextInt(base.length + 1),
                            randomFrom(random, "{}[]\":,\\0123456789eE.+-tfnul \u0000", 1 + random.nextInt(6)));
                }
                case 3 -> {
                    strategy = "duplicate keys";
                    String text = new String(base, StandardCharsets.UTF_8);
                    String dup = List.of("\"common\":{\"messageType\":1},", "\"signature\":\"x\",", "\"signature\":5,",
                            "\"common\":" + text + ",", "\"x\":1,\"x\":[2],").get(random.nextInt(5));
                    String withDup = random.nextBoolean() ? "{" + dup + text.substring(1)
                            : text.substring(0, text.length() - 1) + "," + dup.substring(0, dup.length() - 1) + "}";
                    input = utf8(withDup.replaceFirst("\"common\":\\{", "\"common\":{\"sessionId\":\"dup\","));
                }
                case 4 -> {
                    strategy = "deep nesting";
                    int depth = List.of(30, 31, 32, 33, 64, 1000, 20000).get(random.nextInt(7));
                    String open = random.nextBoolean() ? "[" : "{\"a\":";
                    String close = open.equals("[") ? "]" : "}";
                    String text = new String(base, StandardCharsets.UTF_8);
                    input = utf8("{\"x\":" + open.repeat(depth) + "1" + close.repeat(depth) + "," + text.substring(1));
                }
                case 5 -> {
                    strategy = "extreme numbers";
                    String n = List.of("1e400", "-1e400", "1e-400", "-0", "-0.0", "1E+308", "4.9e-324",
                            "123456789012345678901234567890", "9007199254740993", "0.1", "1e21", "1e-7",
                            "99999999999999999999999999999999999", "1.0e+9999999999", "00", "01", "-", "+1", ".5", "NaN",
                            "Infinity").get(random.nextInt(21));
                    input = replaceValue(base, random, n);
                }
                case 6 -> {
                    strategy = "odd strings";
                    String s = List.of("\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"", "\"\\uZZZZ\"", "\"\\x41\"",
                            "\"\u2028\"", "\"\uFFFF\"", "\"" + "a".repeat(70_000) + "\"").get(random.nextInt(8));
                    input = replaceValue(base, random, s);
                }
                default -> {
                    strategy = "invalid UTF-8 / type confusion";
                    List<byte[]> odd = List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xFF},
                            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8("null"), utf8("[]"), utf8("{}"),
                            utf8("true"), utf8("\"\""));
                    byte[] chunk = odd.get(random.nextInt(odd.size()));
                    input = random.nextBoolean() ? insert(base, random.nextInt(base.length + 1), chunk)
                            : replaceValue(base, random, new String(chunk, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
                }
            }
            cases++;
            try {
                Decoded result = CODEC.decode(input);
                assertNotNull(result);
                if (!(result instanceof Decoded.Message || result instanceof Decoded.Refused)) {
                    problems.add(strategy + ": unexpected result " + result);
                } else if (result instanceof Decoded.Message m && !m.message().hash().equals(Hashes.sha256Hex(input))) {
                    problems.add(strategy + ": accepted, but hashed other bytes than received: " + excerpt(input));
                }
            } catch (Throwable t) {
                problems.add(strategy + ": threw " + t + " on " + excerpt(input));
            }
        }
        assertTrue(cases >= 400);
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + cases + " hostile inputs broke decode(), for example:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(8, problems.size()))));
        }
    }

    @Test
    void duplicateKeysNeverLetTheRecordDifferFromWhatIsSigned() {
        SignedMessage sent = sign(SampleMessages.of(MessageType.SESSION_ABORT));
        String wire = sent.wire();
        String dup = wire.replace("\"reason\":", "\"reason\":\"something else\",\"reason\":");
        Decoded result = decodeWithoutThrowing(utf8(dup));
        if (result instanceof Decoded.Message m) {
            // If the codec tolerates the duplicate, the record must be exactly what the signed payload says.
            assertArrayEquals(CODEC.payload(m.message().message()), m.payload());
        }
    }

    // --- Cacti names -----------------------------------------------------------------------------------------

    /** Hyperledger Cacti's names, written out here so that a change of the alias table is noticed. */
    static Stream<Arguments> cactiNames() {
        return Stream.of(
                Arguments.of("MESSAGE_TYPE_INIT_PROPOSAL", MessageType.TRANSFER_PROPOSAL),
                Arguments.of("MESSAGE_TYPE_INIT_RECEIPT", MessageType.PROPOSAL_RECEIPT),
                Arguments.of("MESSAGE_TYPE_INIT_REJECT", MessageType.TRANSFER_REJECT),
                Arguments.of("MESSAGE_TYPE_TRANSFER_COMMENCE_REQUEST", MessageType.TRANSFER_COMMENCE),
                Arguments.of("MESSAGE_TYPE_TRANSFER_COMMENCE_RESPONSE", MessageType.ACK_COMMENCE),
                Arguments.of("MESSAGE_TYPE_LOCK_ASSERT", MessageType.LOCK_ASSERT),
                Arguments.of("MESSAGE_TYPE_ASSERTION_RECEIPT", MessageType.ASSERTION_RECEIPT),
                Arguments.of("MESSAGE_TYPE_COMMIT_PREPARE", MessageType.COMMIT_PREPARE),
                Arguments.of("MESSAGE_TYPE_COMMIT_READY", MessageType.COMMIT_READY),
                Arguments.of("MESSAGE_TYPE_COMMIT_FINAL", MessageType.COMMIT_FINAL),
                Arguments.of("MESSAGE_TYPE_ACK_COMMIT_FINAL", MessageType.ACK_COMMIT_FINAL),
                Arguments.of("MESSAGE_TYPE_COMMIT_TRANSFER_COMPLETE", MessageType.TRANSFER_COMPLETE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cactiNames")
    void cactiNameDecodesToOurTypeAndItsSignatureStillCoversWhatWasSent(String cactiName, MessageType type) {
        SatpMessage original = SampleMessages.of(type);
        GatewayKeyPair key = SampleMessages.senderKey(type);
        ObjectNode tree = tree(sign(original).wire());
        ((ObjectNode) tree.get("common")).put("messageType", cactiName);
        byte[] input = resign(tree, key);

        Decoded.Message m = message(input);
        assertEquals(type, m.message().message().type());
        assertEquals(original, m.message().message());
        String payload = new String(m.payload(), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"messageType\":\"" + cactiName + "\""), "the payload is what the peer signed");
        assertEquals(Optional.empty(), Jws.verifyDetached(m.payload(), m.message().signature(), key.publicJwk()));
    }

    @Test
    void aliasTableHoldsExactlyTheCactiNames() {
        Map<String, MessageType> expected = new java.util.HashMap<>();
        cactiNames().forEach(a -> expected.put((String) a.get()[0], (MessageType) a.get()[1]));
        assertEquals(expected, Aliases.INBOUND);
    }

    @Test
    void cactiRecoverSuccessCarryingHashRecoverUpdateMessageIsARecoverUpdateAck() {
        RecoverUpdateAck original = (RecoverUpdateAck) SampleMessages.of(MessageType.RECOVER_UPDATE_ACK);
        ObjectNode tree = tree(sign(original).wire());
        ((ObjectNode) tree.get("common")).put("messageType", MessageType.RECOVER_SUCCESS.wireName());
        byte[] input = resign(tree, SampleMessages.CLIENT_KEY);

        Decoded.Message m = message(input);
        assertEquals(MessageType.RECOVER_UPDATE_ACK, m.message().message().type());
        assertEquals(original, m.message().message());
        assertEquals(Optional.empty(), Jws.verifyDetached(m.payload(), m.message().signature(),
                SampleMessages.CLIENT_KEY.publicJwk()));
    }

    @Test
    void recoverSuccessWithoutThatFieldStaysRecoverSuccess() {
        Decoded.Message m = message(utf8(sign(SampleMessages.of(MessageType.RECOVER_SUCCESS)).wire()));
        assertEquals(MessageType.RECOVER_SUCCESS, m.message().message().type());
    }

    @Test
    void weNeverSendCactiNames() {
        for (MessageType type : MessageType.values()) {
            String wire = sign(SampleMessages.of(type)).wire();
            assertFalse(wire.contains("MESSAGE_TYPE_"), type + " sent with a Cacti name");
            assertTrue(wire.contains("\"messageType\":\"" + type.wireName() + "\""));
        }
    }

    // --- unknown fields --------------------------------------------------------------------------------------

    @Nested
    class UnknownFields {
        private final SatpMessage original = SampleMessages.of(MessageType.LOCK_ASSERT);
        private final GatewayKeyPair key = SampleMessages.CLIENT_KEY;

        private ObjectNode extended() {
            ObjectNode tree = tree(sign(original).wire());
            tree.set("x-extension", parse("{\"note\":\"Grüße\",\"values\":[1,2.5,true,null,{\"z\":0,\"a\":-3}]}"));
            ((ObjectNode) tree.get("common")).put("x-trace", "trace-0042");
            ((ObjectNode) tree.get("lockAssertionClaim")).put("x-ledger-height", 918273);
            return tree;
        }

        @Test
        void areAcceptedAndCoveredByTheSignature() {
            Decoded.Message m = message(resign(extended(), key));
            assertEquals(original, m.message().message(), "unknown fields are not part of the record");
            String payload = new String(m.payload(), StandardCharsets.UTF_8);
            assertTrue(payload.contains("\"x-extension\":{\"note\":\"Grüße\",\"values\":[1,2.5,true,null,{\"a\":-3,\"z\":0}]}"), payload);
            assertTrue(payload.contains("\"x-trace\":\"trace-0042\""), payload);
            assertTrue(payload.contains("\"x-ledger-height\":918273"), payload);
            assertNotEquals(new String(CODEC.payload(original), StandardCharsets.UTF_8), payload,
                    "the payload is what was received, not the record re-encoded");
            assertEquals(Optional.empty(), Jws.verifyDetached(m.payload(), m.message().signature(), key.publicJwk()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"/x-extension/note", "/common/x-trace", "/lockAssertionClaim/x-ledger-height"})
        void changingOneBreaksTheSignature(String pointer) {
            ObjectNode tree = tree(new String(resign(extended(), key), StandardCharsets.UTF_8));
            JsonPointer p = JsonPointer.compile(pointer);
            ((ObjectNode) tree.at(p.head())).put(p.last().getMatchingProperty(), "changed");
            Decoded.Message m = message(bytes(tree));
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(m.payload(), m.message().signature(), key.publicJwk()));
        }

        @Test
        void strippingOneBreaksTheSignature() {
            ObjectNode tree = tree(new String(resign(extended(), key), StandardCharsets.UTF_8));
            tree.remove("x-extension");
            Decoded.Message m = message(bytes(tree));
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(m.payload(), m.message().signature(), key.publicJwk()));
        }

        @Test
        void addingOneBreaksTheSignature() {
            ObjectNode tree = tree(sign(original).wire());
            tree.put("x-injected", "added after signing");
            Decoded.Message m = message(bytes(tree));
            assertEquals(original, m.message().message());
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(m.payload(), m.message().signature(), key.publicJwk()));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static SignedMessage sign(SatpMessage message) {
        return new MessageSigner(CODEC, SampleMessages.senderKey(message.type())).sign(message);
    }

    /** Signs a hand-made tree the way a peer would: JCS of the tree without its signature, detached JWS. */
    private static byte[] resign(ObjectNode tree, GatewayKeyPair key) {
        ObjectNode unsigned = tree.deepCopy();
        unsigned.remove("signature");
        String jws = Jws.signDetached(utf8(CODEC.canonicalJson(unsigned)), key);
        unsigned.put("signature", jws);
        return utf8(CODEC.canonicalJson(unsigned));
    }

    /**
     * The signed sample of {@code type} with the member at {@code pointer} removed ({@code rawJson} null) or
     * replaced by {@code rawJson} exactly as written (so that literals such as {@code 1e400} reach the codec as
     * they are, not as Jackson would re-print them).
     */
    private static byte[] mutated(MessageType type, String pointer, String rawJson) {
        ObjectNode tree = tree(sign(SampleMessages.of(type)).wire());
        JsonPointer p = JsonPointer.compile(pointer);
        JsonNode parent = tree.at(p.head());
        assertTrue(parent.isObject(), "no object at " + p.head());
        String name = p.last().getMatchingProperty();
        if (rawJson == null) {
            assertNotNull(((ObjectNode) parent).remove(name), "the sample has no " + pointer);
            return bytes(tree);
        }
        String placeholder = "@@raw-value@@";
        ((ObjectNode) parent).put(name, placeholder);
        String text = new String(bytes(tree), StandardCharsets.UTF_8);
        assertEquals(1, text.split(placeholder, -1).length - 1);
        return utf8(text.replace("\"" + placeholder + "\"", rawJson));
    }

    private static String quoted(String text) {
        return TextNode.valueOf(text).toString();
    }

    private static Decoded.Message message(byte[] input) {
        Decoded result = decodeWithoutThrowing(input);
        return assertInstanceOf(Decoded.Message.class, result, () -> "refused: " + result);
    }

    private static Decoded decodeWithoutThrowing(byte[] input) {
        try {
            return CODEC.decode(input);
        } catch (RuntimeException e) {
            throw new AssertionError("decode threw instead of refusing: " + e, e);
        }
    }

    private static void assertRefused(SatpError expected, Decoded result) {
        Decoded.Refused refused = assertInstanceOf(Decoded.Refused.class, result, () -> "accepted: " + result);
        assertEquals(expected, refused.rejection().error(), () -> "rejection was " + refused.rejection());
        assertEquals(expected.code(), refused.rejection().code());
        assertFalse(refused.rejection().detail().isBlank());
    }

    private static void assertRejected(SatpError expected, Optional<Rejection> rejection) {
        assertTrue(rejection.isPresent(), "expected " + expected + " but the signature verified");
        assertEquals(expected, rejection.get().error(), () -> "rejection was " + rejection.get());
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] insert(byte[] base, int at, byte[] chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, at);
        out.write(chunk, 0, chunk.length);
        out.write(base, at, base.length - at);
        return out.toByteArray();
    }

    private static byte[] randomFrom(Random random, String alphabet, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return utf8(s.toString());
    }

    private static byte[] replaceValue(byte[] base, Random random, String replacement) {
        return replaceValue(base, random, replacement, StandardCharsets.UTF_8);
    }

    /** Replaces the value after one randomly chosen {@code ":"} of the text (up to the next , or }) by raw text. */
    private static byte[] replaceValue(byte[] base, Random random, String replacement, java.nio.charset.Charset charset) {
        String text = new String(base, StandardCharsets.ISO_8859_1);
        List<Integer> colons = new ArrayList<>();
        for (int i = text.indexOf("\":"); i >= 0; i = text.indexOf("\":", i + 1)) {
            colons.add(i + 2);
        }
        int start = colons.get(random.nextInt(colons.size()));
        int end = start;
        boolean inString = false;
        while (end < text.length()) {
            char c = text.charAt(end);
            if (c == '"' && (end == start || text.charAt(end - 1) != '\\')) {
                inString = !inString;
            } else if (!inString && (c == ',' || c == '}' || c == ']')) {
                break;
            }
            end++;
        }
        byte[] head = text.substring(0, start).getBytes(StandardCharsets.ISO_8859_1);
        byte[] middle = replacement.getBytes(charset);
        byte[] tail = text.substring(end).getBytes(StandardCharsets.ISO_8859_1);
        return insert(insert(tail, 0, middle), 0, head);
    }

    private static String excerpt(byte[] input) {
        String s = new String(input, StandardCharsets.UTF_8);
        return s.length() <= 160 ? s : s.substring(0, 160) + "...(" + input.length + " bytes)";
    }
}
