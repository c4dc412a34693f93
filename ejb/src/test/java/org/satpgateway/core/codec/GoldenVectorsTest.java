package org.satpgateway.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Hashes;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.message.CommitReady;
import org.satpgateway.core.message.MessageType;
import org.satpgateway.core.message.SatpMessage;

/**
 * Golden vectors: one fixed, signed message of every type, compared byte for byte with the checked-in wire text
 * under {@code src/test/resources/golden/<short-name>.json} (one line, no trailing newline) and with the SHA-256
 * listed for it in {@code golden/SHA256SUMS} ({@code sha256sum -c SHA256SUMS} checks the files themselves).
 * ECDSA here is deterministic (RFC 6979), so any difference is a change of the wire format, the canonical form,
 * the JWS or the fixed test data.
 *
 * <p>To regenerate the files deliberately (after an intended change of the wire format), run
 *
 * <pre>mvn -B -q -pl ejb test -Dtest=GoldenVectorsTest -Dgolden.update=true</pre>
 *
 * which writes the files under {@code ejb/src/test/resources/golden} instead of comparing; review the diff, then
 * run again without the switch. The default run only compares.
 */
class GoldenVectorsTest {
    /** The switch that regenerates the golden files instead of comparing them. */
    static final String UPDATE_PROPERTY = "golden.update";
    private static final boolean UPDATE = Boolean.getBoolean(UPDATE_PROPERTY);
    private static final String SUMS = "SHA256SUMS";
    private static final String HINT = " (if this change of the wire format is intended, regenerate with -D"
            + UPDATE_PROPERTY + "=true and review the diff of src/test/resources/golden)";
    private static final Pattern DETACHED_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]{86}");

    private static final MessageCodec CODEC = new MessageCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One golden vector: a message, the key that signs it, and its file name. */
    record Vector(String name, SatpMessage message, GatewayKeyPair key) {
        String file() {
            return name + ".json";
        }

        SignedMessage sign() {
            return new MessageSigner(CODEC, key).sign(message);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() {
        List<Vector> vectors = new ArrayList<>();
        SampleMessages.all().forEach((type, message) ->
                vectors.add(new Vector(type.shortName(), message, SampleMessages.senderKey(type))));
        // The same protocol signed with secp256k1 (as a Cacti peer would).
        vectors.add(new Vector("transfer-proposal-msg.es256k", SampleMessages.proposal(SampleMessages.K1_KEY),
                SampleMessages.K1_KEY));
        vectors.add(new Vector("commit-ready-msg.es256k", new CommitReady(
                SampleMessages.common(MessageType.COMMIT_READY, 8, SampleMessages.hashOf("message 7")),
                SampleMessages.claim("mint", SampleMessages.K1_KEY), "reference-ledger/v1"), SampleMessages.K1_KEY));
        return vectors;
    }

    @BeforeAll
    static void regenerateWhenAsked() throws IOException {
        if (!UPDATE) {
            return;
        }
        Path dir = sourceDir();
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                Files.delete(p);
            }
        }
        Map<String, String> sums = new TreeMap<>();
        for (Vector v : vectors()) {
            SignedMessage signed = v.sign();
            Files.write(dir.resolve(v.file()), signed.wire().getBytes(StandardCharsets.UTF_8));
            sums.put(v.file(), signed.hash());
        }
        StringBuilder text = new StringBuilder();
        sums.forEach((file, hash) -> text.append(hash).append("  ").append(file).append('\n'));
        Files.write(dir.resolve(SUMS), text.toString().getBytes(StandardCharsets.UTF_8));
        System.err.println("GoldenVectorsTest: regenerated " + sums.size() + " golden files in " + dir
                + "; review the diff, then run again without -D" + UPDATE_PROPERTY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wireTextIsExactlyTheGolden(Vector v) {
        byte[] golden = golden(v.file());
        SignedMessage signed = v.sign();
        assertEquals(new String(golden, StandardCharsets.UTF_8), signed.wire(), v.file() + " differs" + HINT);
        assertTrue(java.util.Arrays.equals(golden, signed.wire().getBytes(StandardCharsets.UTF_8)),
                v.file() + " differs in its bytes" + HINT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void hashIsTheGoldenHash(Vector v) {
        String listed = sums().get(v.file());
        assertNotNull(listed, v.file() + " is not listed in " + SUMS + HINT);
        assertEquals(listed, v.sign().hash(), "hash of " + v.name() + HINT);
        assertEquals(listed, Hashes.sha256Hex(golden(v.file())), SUMS + " does not match the file " + v.file());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void goldenIsCanonicalJsonWithNestedCommonAndDetachedJws(Vector v) throws IOException {
        byte[] golden = golden(v.file());
        // JCS of the golden is the golden itself (checked with the JCS library directly, not through the codec).
        assertEquals(new String(golden, StandardCharsets.UTF_8),
                new String(new JsonCanonicalizer(golden).getEncodedUTF8(), StandardCharsets.UTF_8));
        assertTrue(golden.length > 0 && golden[golden.length - 1] == '}', "one JSON object, nothing after it");

        JsonNode root = JSON.readTree(golden);
        assertKeysSorted(root, "$");
        JsonNode common = root.get("common");
        assertTrue(common != null && common.isObject(), "common is a nested object");
        assertEquals(v.message().type().wireName(), common.get("messageType").asText());
        assertEquals("1.0", common.get("version").asText());
        for (String commonField : List.of("messageType", "sessionId", "sequenceNumber", "timestamp", "version")) {
            assertTrue(!root.has(commonField), commonField + " must live under common, not at the top");
        }

        String jws = root.get("signature").asText();
        assertTrue(DETACHED_JWS.matcher(jws).matches(), "signature is <b64 header>..<b64 64-byte sig>: " + jws);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jws.substring(0, jws.indexOf('.'))));
        Map<String, String> expectedHeader = new LinkedHashMap<>();
        expectedHeader.put("alg", v.key().algorithm().jwsName());
        expectedHeader.put("kid", v.key().keyId());
        assertEquals(expectedHeader, JSON.convertValue(header, Map.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void goldenDecodesToTheOriginalRecord(Vector v) {
        byte[] golden = golden(v.file());
        Decoded decoded = CODEC.decode(golden);
        Decoded.Message m = assertInstanceOf(Decoded.Message.class, decoded, () -> v.file() + " refused: " + decoded);
        assertEquals(v.message(), m.message().message());
        assertEquals(v.message().type(), m.message().message().type());
        assertEquals(new String(golden, StandardCharsets.UTF_8), m.message().wire());
        assertEquals(Hashes.sha256Hex(golden), m.message().hash());
        assertEquals(v.sign().signature(), m.message().signature());
        assertEquals(new String(CODEC.payload(v.message()), StandardCharsets.UTF_8),
                new String(m.payload(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void goldenSignatureVerifiesOnlyWithItsKey(Vector v) {
        Decoded.Message m = assertInstanceOf(Decoded.Message.class, CODEC.decode(golden(v.file())));
        assertEquals(Optional.empty(), Jws.verifyDetached(m.payload(), m.message().signature(), v.key().publicJwk()));

        GatewayKeyPair other = v.key() == SampleMessages.CLIENT_KEY ? SampleMessages.SERVER_KEY
                : v.key().algorithm() == SignatureAlgorithm.ES256 ? SampleMessages.CLIENT_KEY
                : GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256K, java.math.BigInteger.valueOf(7));
        Optional<Rejection> wrongKey = Jws.verifyDetached(m.payload(), m.message().signature(), other.publicJwk());
        assertTrue(wrongKey.isPresent(), "a golden must not verify with another gateway's key");
    }

    @Test
    void everyMessageTypeHasAGoldenAndEs256kIsCovered() {
        Set<MessageType> covered = EnumSet.noneOf(MessageType.class);
        vectors().forEach(v -> covered.add(v.message().type()));
        assertEquals(EnumSet.allOf(MessageType.class), covered);
        assertEquals(20, MessageType.values().length, "a new message type needs a golden vector");
        assertTrue(vectors().stream().anyMatch(v -> v.key().algorithm() == SignatureAlgorithm.ES256K));
        assertTrue(vectors().stream().anyMatch(v -> v.key().algorithm() == SignatureAlgorithm.ES256));
    }

    @Test
    void sumsListExactlyTheVectors() {
        assertEquals(vectors().stream().map(Vector::file).collect(Collectors.toCollection(java.util.TreeSet::new)),
                sums().keySet(), SUMS + " lists other files than the vectors" + HINT);
    }

    @Test
    void signingIsDeterministic() {
        for (Vector v : vectors()) {
            assertEquals(v.sign(), v.sign(), v.name());
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static void assertKeysSorted(JsonNode node, String path) {
        if (node.isObject()) {
            String previous = null;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                // JCS orders member names by their UTF-16 code units, which is String.compareTo.
                assertTrue(previous == null || previous.compareTo(name) < 0,
                        "keys of " + path + " are not sorted: " + previous + " before " + name);
                previous = name;
                assertKeysSorted(node.get(name), path + "." + name);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertKeysSorted(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static byte[] golden(String file) {
        if (UPDATE) {
            try {
                return Files.readAllBytes(sourceDir().resolve(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (InputStream in = GoldenVectorsTest.class.getResourceAsStream("/golden/" + file)) {
            if (in == null) {
                fail("golden/" + file + " is missing" + HINT);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> sums() {
        Map<String, String> sums = new TreeMap<>();
        for (String line : new String(golden(SUMS), StandardCharsets.UTF_8).split("\\R")) {
            if (!line.isBlank()) {
                String[] parts = line.strip().split(" {2}", 2);
                sums.put(parts[1], parts[0]);
            }
        }
        return sums;
    }

    /** {@code src/test/resources/golden} of this module, wherever Maven or an IDE started the JVM. */
    private static Path sourceDir() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        if (!Files.isDirectory(base.resolve("src/test/java/org/satpgateway/core/codec"))
                && Files.isDirectory(base.resolve("ejb/src/test/java/org/satpgateway/core/codec"))) {
            base = base.resolve("ejb");
        }
        return base.resolve("src/test/resources/golden");
    }
}
