package org.satpgateway.core.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.PublicJwk;

/**
 * JWS (RFC 7515) in compact form with a detached payload: {@code <header>..<signature>}. The protected header is
 * {@code {"alg":..,"kid":..}} with the RFC 7638 thumbprint of the signing key as {@code kid}. Signatures are
 * deterministic ECDSA (RFC 6979), so the same key and payload always give the same bytes.
 */
public final class Jws {
    /** Unpadded base64url (RFC 7515, section 2): one spelling per value, so one wire form per signed message. */
    private static final java.util.regex.Pattern BASE64URL = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");
    /**
     * Signatures found valid, by key, JWS and digest of the signing input: a message is verified at the door and
     * again in its step, and a claim again on replay, but the elliptic-curve work is done once. Verification is a
     * pure function, and only valid results are kept, so a changed byte or another key never finds an entry.
     */
    private static final Map<String, Boolean> VERIFIED = new ConcurrentHashMap<>();
    private static final int VERIFIED_LIMIT = 50_000;

    private Jws() {}

    /** Signs {@code payload} and returns the detached compact JWS. */
    public static String signDetached(byte[] payload, GatewayKeyPair key) {
        String header = "{\"alg\":\"" + key.algorithm().jwsName() + "\",\"kid\":\"" + key.keyId() + "\"}";
        String encodedHeader = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)).toString();
        byte[] digest = digest(signingInput(encodedHeader, payload));
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key.privateKey());
        BigInteger[] rs = signer.generateSignature(digest);
        byte[] raw = new byte[64];
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, rs[0]), 0, raw, 0, 32);
        System.arraycopy(BigIntegers.asUnsignedByteArray(32, rs[1]), 0, raw, 32, 32);
        return encodedHeader + ".." + Base64URL.encode(raw);
    }

    /**
     * Checks a detached JWS over {@code payload} against the key the sender must have used.
     *
     * @return empty when valid; otherwise {@code err_0.1.2} when the JWS names another key, {@code err_0.1.3}
     *     when the signature is malformed or does not verify
     */
    public static Optional<Rejection> verifyDetached(byte[] payload, String jws, PublicJwk expectedKey) {
        Optional<PublicKeys.Key> key = PublicKeys.parse(expectedKey);
        if (key.isEmpty()) {
            return Optional.of(Rejection.of(SatpError.INVALID_GATEWAY_KEY, "the expected sender key is not a supported EC key"));
        }
        if (jws == null) {
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "signature is missing"));
        }
        String[] parts = jws.split("\\.", -1);
        if (parts.length != 3 || !parts[1].isEmpty() || !BASE64URL.matcher(parts[0]).matches()
                || !BASE64URL.matcher(parts[2]).matches()) {
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "signature is not a detached compact JWS"));
        }
        JWSHeader header;
        try {
            header = JWSHeader.parse(new Base64URL(parts[0]));
        } catch (java.text.ParseException e) {
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "JWS header is malformed"));
        }
        if (!key.get().algorithm().jwsName().equals(header.getAlgorithm().getName())) {
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE,
                    "JWS alg " + header.getAlgorithm().getName() + " does not fit the sender's " + key.get().algorithm().jwsName() + " key"));
        }
        if (header.getKeyID() != null && !header.getKeyID().equals(key.get().keyId())) {
            return Optional.of(Rejection.of(SatpError.NOT_AUTHORISED, "signed with key " + header.getKeyID()
                    + ", not with the sender's key " + key.get().keyId()));
        }
        byte[] raw = new Base64URL(parts[2]).decode();
        if (raw.length != 64 || parts[2].length() != 86) {
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "signature is not 64 bytes"));
        }
        byte[] digest = digest(signingInput(parts[0], payload));
        String memo = key.get().keyId() + "." + parts[0] + "." + parts[2] + "." + Base64URL.encode(digest);
        if (VERIFIED.containsKey(memo)) {
            return Optional.empty();
        }
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, 32));
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 32, 64));
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, key.get().point());
        if (!verifier.verifySignature(digest, r, s)) {
            return Optional.of(Rejection.of(SatpError.BAD_SIGNATURE, "signature does not verify"));
        }
        if (VERIFIED.size() >= VERIFIED_LIMIT) {
            VERIFIED.clear();
        }
        VERIFIED.put(memo, Boolean.TRUE);
        return Optional.empty();
    }

    private static byte[] signingInput(String encodedHeader, byte[] payload) {
        byte[] head = (encodedHeader + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Base64URL.encode(payload).toString().getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[head.length + body.length];
        System.arraycopy(head, 0, input, 0, head.length);
        System.arraycopy(body, 0, input, head.length, body.length);
        return input;
    }

    private static byte[] digest(byte[] input) {
        SHA256Digest d = new SHA256Digest();
        d.update(input, 0, input.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }
}
