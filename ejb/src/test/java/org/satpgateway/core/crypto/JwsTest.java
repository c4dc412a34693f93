package org.satpgateway.core.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.PublicJwk;

class JwsTest {
    private static final GatewayKeyPair P256 = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16));
    private static final GatewayKeyPair P256_OTHER = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("3f2e1d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201009", 16));
    private static final GatewayKeyPair K1 = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256K,
            new BigInteger("0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0", 16));
    private static final GatewayKeyPair K1_OTHER = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256K,
            new BigInteger("7777777777777777777777777777777777777777777777777777777777777777", 16));
    private static final byte[] PAYLOAD =
            "{\"common\":{\"sequenceNumber\":1},\"note\":\"Grüße\"}".getBytes(StandardCharsets.UTF_8);
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private static GatewayKeyPair key(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ES256 ? P256 : K1;
    }

    private static GatewayKeyPair otherKey(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ES256 ? P256_OTHER : K1_OTHER;
    }

    // --- signing and verifying -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signedPayloadVerifiesWithTheSignersKey(SignatureAlgorithm algorithm) {
        GatewayKeyPair key = key(algorithm);
        String jws = Jws.signDetached(PAYLOAD, key);
        assertEquals(Optional.empty(), Jws.verifyDetached(PAYLOAD, jws, key.publicJwk()));
        assertEquals(Optional.empty(), Jws.verifyDetached(PAYLOAD.clone(), jws, key.publicJwk()));
        assertEquals(Optional.empty(), Jws.verifyDetached(new byte[0], Jws.signDetached(new byte[0], key), key.publicJwk()));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signingIsDeterministic(SignatureAlgorithm algorithm) {
        GatewayKeyPair key = key(algorithm);
        String first = Jws.signDetached(PAYLOAD, key);
        assertEquals(first, Jws.signDetached(PAYLOAD, key));
        assertEquals(first, Jws.signDetached(PAYLOAD.clone(), key));
        // A key pair rebuilt from the same scalar signs identically.
        GatewayKeyPair same = GatewayKeyPair.fromPrivateScalar(algorithm, key.privateKey().getD());
        assertEquals(first, Jws.signDetached(PAYLOAD, same));
        // ... and another payload or key gives another signature.
        assertNotEquals(first, Jws.signDetached("{}".getBytes(StandardCharsets.UTF_8), key));
        assertNotEquals(signaturePart(first), signaturePart(Jws.signDetached(PAYLOAD, otherKey(algorithm))));
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void isACompactDetachedJwsWithAlgAndKidOnly(SignatureAlgorithm algorithm) {
        GatewayKeyPair key = key(algorithm);
        String jws = Jws.signDetached(PAYLOAD, key);
        String[] parts = jws.split("\\.", -1);
        assertEquals(3, parts.length);
        assertEquals("", parts[1], "detached: the payload part is empty");
        assertEquals("{\"alg\":\"" + algorithm.jwsName() + "\",\"kid\":\"" + key.keyId() + "\"}",
                new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        for (String part : List.of(parts[0], parts[2])) {
            assertTrue(part.matches("[A-Za-z0-9_-]+"), "base64url without padding: " + part);
        }
        byte[] raw = Base64.getUrlDecoder().decode(parts[2]);
        assertEquals(64, raw.length, "R || S, 32 bytes each (RFC 7518 section 3.4)");
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void kidIsTheRfc7638Thumbprint(SignatureAlgorithm algorithm) throws Exception {
        GatewayKeyPair key = key(algorithm);
        Map<String, String> jwk = key.publicJwk().members();
        assertEquals(algorithm.jwkCurve(), jwk.get("crv"));
        String required = "{\"crv\":\"" + jwk.get("crv") + "\",\"kty\":\"EC\",\"x\":\"" + jwk.get("x") + "\",\"y\":\""
                + jwk.get("y") + "\"}";
        String thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(required.getBytes(StandardCharsets.UTF_8)));
        assertEquals(thumbprint, key.keyId());
    }

    /** Our detached JWS is a standard one: Nimbus verifies it on its own (JDK for P-256, Bouncy Castle for secp256k1). */
    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void anIndependentJoseLibraryVerifiesOurSignature(SignatureAlgorithm algorithm) throws Exception {
        GatewayKeyPair key = key(algorithm);
        JWSObject parsed = JWSObject.parse(Jws.signDetached(PAYLOAD, key), new Payload(PAYLOAD));
        ECKey jwk = ECKey.parse(new HashMap<String, Object>(key.publicJwk().members()));
        ECDSAVerifier verifier = algorithm == SignatureAlgorithm.ES256 ? new ECDSAVerifier(jwk)
                : new ECDSAVerifier(jwk.toECPublicKey(BC));
        if (algorithm == SignatureAlgorithm.ES256K) {
            verifier.getJCAContext().setProvider(BC);
        }
        assertTrue(parsed.verify(verifier));
        assertEquals(key.keyId(), parsed.getHeader().getKeyID());
    }

    /** ... and we verify a standard detached JWS made by another library (randomised ECDSA, so any valid s). */
    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void weVerifyASignatureMadeByAnIndependentJoseLibrary(SignatureAlgorithm algorithm) throws Exception {
        GatewayKeyPair key = key(algorithm);
        Curve curve = algorithm == SignatureAlgorithm.ES256 ? Curve.P_256 : Curve.SECP256K1;
        ECPrivateKey privateKey = (ECPrivateKey) KeyFactory.getInstance("EC", BC)
                .generatePrivate(new ECPrivateKeySpec(key.privateKey().getD(), curve.toECParameterSpec()));
        ECDSASigner signer = new ECDSASigner(privateKey, curve);
        signer.getJCAContext().setProvider(BC);
        for (int i = 0; i < 8; i++) {
            JWSObject object = new JWSObject(new JWSHeader.Builder(new JWSAlgorithm(algorithm.jwsName()))
                    .keyID(key.keyId()).build(), new Payload(PAYLOAD));
            object.sign(signer);
            assertEquals(Optional.empty(), Jws.verifyDetached(PAYLOAD, object.serialize(true), key.publicJwk()));
        }
    }

    // --- tampering -------------------------------------------------------------------------------------------

    @Nested
    class Tampering {
        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void flippingOneByteOfThePayloadIsBadSignature(SignatureAlgorithm algorithm) {
            GatewayKeyPair key = key(algorithm);
            String jws = Jws.signDetached(PAYLOAD, key);
            for (int i = 0; i < PAYLOAD.length; i++) {
                byte[] tampered = PAYLOAD.clone();
                tampered[i] ^= 0x01;
                assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(tampered, jws, key.publicJwk()));
            }
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(
                    java.util.Arrays.copyOf(PAYLOAD, PAYLOAD.length - 1), jws, key.publicJwk()));
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(
                    java.util.Arrays.copyOf(PAYLOAD, PAYLOAD.length + 1), jws, key.publicJwk()));
        }

        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void alteringOneCharacterOfTheSignaturePartIsBadSignature(SignatureAlgorithm algorithm) {
            GatewayKeyPair key = key(algorithm);
            String jws = Jws.signDetached(PAYLOAD, key);
            int start = jws.lastIndexOf('.') + 1;
            // Every position but the last: the last character of 64 bytes in base64url also carries 4 unused bits.
            for (int i = start; i < jws.length() - 1; i++) {
                char replacement = jws.charAt(i) == 'A' ? 'B' : 'A';
                String tampered = jws.substring(0, i) + replacement + jws.substring(i + 1);
                assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, tampered, key.publicJwk()));
            }
            // The last character: change one of the two bits it carries.
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            int v = alphabet.indexOf(jws.charAt(jws.length() - 1));
            String last = jws.substring(0, jws.length() - 1) + alphabet.charAt((v + 16) % 64);
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, last, key.publicJwk()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"ES256K", "ES384", "ES512", "HS256", "RS256", "PS256", "EdDSA", "none", "es256"})
        void changedHeaderAlgIsBadSignature(String alg) {
            String jws = Jws.signDetached(PAYLOAD, P256);
            String header = "{\"alg\":\"" + alg + "\",\"kid\":\"" + P256.keyId() + "\"}";
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, withHeader(jws, header), P256.publicJwk()));
        }

        @Test
        void es256kHeaderAgainstAnEs256KeyAndTheReverseAreBadSignature() {
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, Jws.signDetached(PAYLOAD, K1), P256.publicJwk()));
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, Jws.signDetached(PAYLOAD, P256), K1.publicJwk()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"alg\":\"ES256\"}", "{\"kid\":\"%s\",\"alg\":\"ES256\"}", "{\"alg\":\"ES256\", \"kid\":\"%s\"}",
                "{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JOSE\"}"})
        void anyOtherHeaderTextIsBadSignatureEvenWithTheSameMeaning(String header) {
            String jws = Jws.signDetached(PAYLOAD, P256);
            String tampered = withHeader(jws, header.replace("%s", P256.keyId()));
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, tampered, P256.publicJwk()));
        }

        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void verifyingWithAnotherKeyIsNotAuthorised(SignatureAlgorithm algorithm) {
            String jws = Jws.signDetached(PAYLOAD, key(algorithm));
            Optional<Rejection> rejection = Jws.verifyDetached(PAYLOAD, jws, otherKey(algorithm).publicJwk());
            assertRejected(SatpError.NOT_AUTHORISED, rejection);
            assertEquals("err_0.1.2", rejection.get().code());
        }

        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void aJwsWithoutKidVerifiesWithItsKeyOnlyAndIsBadSignatureWithAnother(SignatureAlgorithm algorithm) {
            String jws = signWithoutKid(PAYLOAD, key(algorithm));
            assertEquals(Optional.empty(), Jws.verifyDetached(PAYLOAD, jws, key(algorithm).publicJwk()));
            Optional<Rejection> rejection = Jws.verifyDetached(PAYLOAD, jws, otherKey(algorithm).publicJwk());
            assertRejected(SatpError.BAD_SIGNATURE, rejection);
            assertEquals("err_0.1.3", rejection.get().code());
        }

        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void aNonDetachedJwsIsBadSignature(SignatureAlgorithm algorithm) {
            GatewayKeyPair key = key(algorithm);
            String jws = Jws.signDetached(PAYLOAD, key);
            String attached = jws.replace("..", "." + Base64.getUrlEncoder().withoutPadding().encodeToString(PAYLOAD) + ".");
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, attached, key.publicJwk()));
            assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, jws.replace("..", ".e30."), key.publicJwk()));
        }

        @Test
        void malformedJwsIsBadSignature() {
            String jws = Jws.signDetached(PAYLOAD, P256);
            String header = jws.substring(0, jws.indexOf('.'));
            String sig = signaturePart(jws);
            List<String> malformed = new ArrayList<>(List.of("", ".", "..", "...", "a.b", "a..b.c", header + "..",
                    ".." + sig, header + "." + sig, header + ".." + sig + ".", "not a jws",
                    b64("not json") + ".." + sig, b64("[]") + ".." + sig, b64("{}") + ".." + sig,
                    b64("{\"alg\":5}") + ".." + sig, b64("{\"alg\":null}") + ".." + sig,
                    header + ".." + sig.substring(0, sig.length() - 2), header + ".." + sig + "AAA"));
            malformed.add(null);
            for (String m : malformed) {
                Optional<Rejection> rejection;
                try {
                    rejection = Jws.verifyDetached(PAYLOAD, m, P256.publicJwk());
                } catch (RuntimeException e) {
                    throw new AssertionError("verifyDetached threw on " + m + ": " + e, e);
                }
                assertRejected(SatpError.BAD_SIGNATURE, rejection);
            }
        }

        /**
         * RFC 7515 section 2: base64url "without the inclusion of any line breaks, whitespace, or other additional
         * characters" and with padding omitted. A signature part outside that alphabet is not a JWS; accepting it
         * lets anyone make another valid wire form (and so another message hash) of a signed message.
         */
        @ParameterizedTest
        @ValueSource(strings = {"*", "=", "==", " ", "\n", "+", "/", "!"})
        void signaturePartOutsideTheBase64UrlAlphabetIsBadSignature(String extra) {
            String jws = Jws.signDetached(PAYLOAD, P256);
            int middle = jws.length() - 20;
            for (String tampered : List.of(jws + extra, jws.substring(0, middle) + extra + jws.substring(middle))) {
                assertRejected(SatpError.BAD_SIGNATURE, Jws.verifyDetached(PAYLOAD, tampered, P256.publicJwk()));
            }
        }

        @Test
        void randomMutationsNeverThrowAndNeverVerifyWhenTheHeaderChanged() {
            Random random = new Random(7_515L);
            String jws = Jws.signDetached(PAYLOAD, P256);
            int headerEnd = jws.indexOf('.');
            String alphabet = "ABCXYZabcxyz0189-_.=+/ *\u00e9{}\"";
            for (int i = 0; i < 400; i++) {
                StringBuilder s = new StringBuilder(jws);
                int at = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String mutated = s.toString();
                Optional<Rejection> result;
                try {
                    result = Jws.verifyDetached(PAYLOAD, mutated, P256.publicJwk());
                } catch (RuntimeException e) {
                    throw new AssertionError("verifyDetached threw on " + mutated + ": " + e, e);
                }
                if (!mutated.startsWith(jws.substring(0, headerEnd + 1))) {
                    assertTrue(result.isPresent(), "a changed header must never verify: " + mutated);
                }
            }
        }
    }

    @Test
    void anUnusableExpectedKeyIsRefusedNotThrown() {
        Map<String, String> bad = new HashMap<>(P256.publicJwk().members());
        bad.put("crv", "P-384");
        Optional<Rejection> rejection = Jws.verifyDetached(PAYLOAD, Jws.signDetached(PAYLOAD, P256), new PublicJwk(bad));
        assertTrue(rejection.isPresent());
        assertEquals(SatpError.INVALID_GATEWAY_KEY, rejection.get().error());
    }

    // --- public keys -----------------------------------------------------------------------------------------

    @Nested
    class PublicKeyParsing {
        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void parsesOurOwnKeys(SignatureAlgorithm algorithm) {
            GatewayKeyPair key = key(algorithm);
            PublicKeys.Key parsed = PublicKeys.parse(key.publicJwk()).orElseThrow();
            assertEquals(algorithm, parsed.algorithm());
            assertEquals(key.keyId(), parsed.keyId());
            assertEquals(key.publicJwk(), parsed.jwk());
            // Parsed again from an equal JWK (a fresh map): the same key.
            PublicJwk copy = new PublicJwk(new HashMap<>(key.publicJwk().members()));
            assertEquals(key.keyId(), PublicKeys.parse(copy).orElseThrow().keyId());
        }

        @ParameterizedTest
        @EnumSource(SignatureAlgorithm.class)
        void rejectsAPointNotOnTheCurve(SignatureAlgorithm algorithm) {
            Map<String, String> members = new HashMap<>(key(algorithm).publicJwk().members());
            BigInteger y = new BigInteger(1, Base64.getUrlDecoder().decode(members.get("y")));
            members.put("y", coordinate(y.add(BigInteger.ONE)));
            assertEquals(Optional.empty(), PublicKeys.parse(new PublicJwk(members)));
            // The same tampered key, verifying a real signature: refused, not thrown.
            assertTrue(Jws.verifyDetached(PAYLOAD, Jws.signDetached(PAYLOAD, key(algorithm)), new PublicJwk(members)).isPresent());
        }

        @Test
        void rejectsThePointAtZeroAndAPointOfTheOtherCurve() {
            Map<String, String> zero = new HashMap<>(P256.publicJwk().members());
            zero.put("x", coordinate(BigInteger.ZERO));
            zero.put("y", coordinate(BigInteger.ZERO));
            assertEquals(Optional.empty(), PublicKeys.parse(new PublicJwk(zero)));

            Map<String, String> swapped = new HashMap<>(K1.publicJwk().members());
            swapped.put("crv", "P-256");
            assertEquals(Optional.empty(), PublicKeys.parse(new PublicJwk(swapped)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"P-384", "P-521", "Ed25519", "X25519", "p-256", "secp256r1", "P256", "SECP256K1", "brainpoolP256r1"})
        void rejectsAnUnknownCurve(String crv) {
            Map<String, String> members = new HashMap<>(P256.publicJwk().members());
            members.put("crv", crv);
            assertEquals(Optional.empty(), PublicKeys.parse(new PublicJwk(members)));
        }

        @Test
        void jwkRefusesAPrivateMemberAndAnotherKeyType() {
            Map<String, String> withD = new HashMap<>(P256.publicJwk().members());
            withD.put("d", coordinate(BigInteger.TEN));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PublicJwk(withD));
            assertTrue(e.getMessage().contains("private"), e.getMessage());

            Map<String, String> rsa = new HashMap<>(P256.publicJwk().members());
            rsa.put("kty", "RSA");
            assertThrows(IllegalArgumentException.class, () -> new PublicJwk(rsa));
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void fixedKeysRefuseAScalarOutOfRange(SignatureAlgorithm algorithm) {
        BigInteger n = GatewayKeyPair.domain(algorithm).getN();
        for (BigInteger d : List.of(BigInteger.ZERO, BigInteger.ONE.negate(), n, n.add(BigInteger.ONE))) {
            assertThrows(IllegalArgumentException.class, () -> GatewayKeyPair.fromPrivateScalar(algorithm, d), d.toString(16));
        }
        GatewayKeyPair.fromPrivateScalar(algorithm, n.subtract(BigInteger.ONE));
        GatewayKeyPair.fromPrivateScalar(algorithm, BigInteger.ONE);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static void assertRejected(SatpError expected, Optional<Rejection> rejection) {
        if (rejection.isEmpty()) {
            fail("expected " + expected.code() + " " + expected + ", but the signature verified");
        }
        assertEquals(expected, rejection.get().error(), () -> "rejection was " + rejection.get());
        assertEquals(expected.code(), rejection.get().code());
    }

    private static String signaturePart(String jws) {
        return jws.substring(jws.lastIndexOf('.') + 1);
    }

    private static String withHeader(String jws, String headerJson) {
        return b64(headerJson) + jws.substring(jws.indexOf('.'));
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String coordinate(BigInteger value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(BigIntegers.asUnsignedByteArray(32, value.mod(BigInteger.TWO.pow(256))));
    }

    /** A detached JWS whose header is only {@code {"alg":..}} (no kid), signed with deterministic ECDSA. */
    private static String signWithoutKid(byte[] payload, GatewayKeyPair key) {
        String header = b64("{\"alg\":\"" + key.algorithm().jwsName() + "\"}");
        byte[] input = (header + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload))
                .getBytes(StandardCharsets.US_ASCII);
        SHA256Digest digest = new SHA256Digest();
        digest.update(input, 0, input.length);
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        org.bouncycastle.crypto.signers.ECDSASigner signer =
                new org.bouncycastle.crypto.signers.ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key.privateKey());
        BigInteger[] rs = signer.generateSignature(hash);
        byte[] raw = new byte[64];
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, rs[0]), 0, raw, 0, 32);
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, rs[1]), 0, raw, 32, 32);
        return header + ".." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** A signature found valid is remembered; what it is remembered for must not let anything else through. */
    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aRememberedValidSignatureVouchesForNothingElse(SignatureAlgorithm algorithm) {
        GatewayKeyPair key = key(algorithm);
        byte[] payload = ("{\"remembered\":\"" + algorithm + "\"}").getBytes(StandardCharsets.UTF_8);
        String jws = Jws.signDetached(payload, key);
        assertEquals(Optional.empty(), Jws.verifyDetached(payload, jws, key.publicJwk()));
        assertEquals(Optional.empty(), Jws.verifyDetached(payload, jws, key.publicJwk()), "the second time too");

        byte[] changed = payload.clone();
        changed[changed.length - 3] ^= 1;
        assertEquals(SatpError.BAD_SIGNATURE, Jws.verifyDetached(changed, jws, key.publicJwk()).orElseThrow().error());
        assertTrue(Jws.verifyDetached(payload, jws, otherKey(algorithm).publicJwk()).isPresent(), "another key");
        char last = jws.charAt(jws.length() - 2);
        String otherSignature = jws.substring(0, jws.length() - 2) + (last == 'A' ? 'B' : 'A') + jws.charAt(jws.length() - 1);
        assertEquals(SatpError.BAD_SIGNATURE, Jws.verifyDetached(payload, otherSignature, key.publicJwk()).orElseThrow().error());
    }
}
