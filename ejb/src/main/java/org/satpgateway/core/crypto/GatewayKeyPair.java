package org.satpgateway.core.crypto;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.JOSEException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.satpgateway.core.message.PublicJwk;

/**
 * A gateway's message-signing key pair on the curve of its algorithm. Holds the private scalar; never serialise
 * it outside a key store.
 */
public final class GatewayKeyPair {
    private final SignatureAlgorithm algorithm;
    private final ECPrivateKeyParameters privateKey;
    private final PublicKeys.Key publicKey;

    private GatewayKeyPair(SignatureAlgorithm algorithm, BigInteger d) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        ECDomainParameters domain = domain(algorithm);
        if (d.signum() <= 0 || d.compareTo(domain.getN()) >= 0) {
            throw new IllegalArgumentException("private scalar out of range");
        }
        this.privateKey = new ECPrivateKeyParameters(d, domain);
        ECPoint q = domain.getG().multiply(d).normalize();
        this.publicKey = PublicKeys.of(algorithm, new ECPublicKeyParameters(q, domain));
    }

    /** A new random key pair. */
    public static GatewayKeyPair generate(SignatureAlgorithm algorithm, SecureRandom random) {
        ECDomainParameters domain = domain(algorithm);
        BigInteger d = BigIntegers.createRandomInRange(BigInteger.ONE, domain.getN().subtract(BigInteger.ONE), random);
        return new GatewayKeyPair(algorithm, d);
    }

    /** The key pair of a known private scalar (key stores, fixed test vectors). */
    public static GatewayKeyPair fromPrivateScalar(SignatureAlgorithm algorithm, BigInteger d) {
        return new GatewayKeyPair(algorithm, d);
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public PublicJwk publicJwk() {
        return publicKey.jwk();
    }

    /** RFC 7638 thumbprint of the public key: the JWS {@code kid}. */
    public String keyId() {
        return publicKey.keyId();
    }

    /** The private scalar, for the gateway's key store only. */
    public BigInteger privateScalar() {
        return privateKey.getD();
    }

    ECPrivateKeyParameters privateKey() {
        return privateKey;
    }

    static ECDomainParameters domain(SignatureAlgorithm algorithm) {
        X9ECParameters p = CustomNamedCurves.getByName(algorithm.curveName());
        return new ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH());
    }

    static Curve nimbusCurve(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ES256 ? Curve.P_256 : Curve.SECP256K1;
    }

    static PublicJwk toJwk(SignatureAlgorithm algorithm, ECPublicKeyParameters q) {
        ECPoint p = q.getQ().normalize();
        int size = 32;
        ECKey key = new ECKey.Builder(nimbusCurve(algorithm),
                        com.nimbusds.jose.util.Base64URL.encode(BigIntegers.asUnsignedByteArray(size, p.getAffineXCoord().toBigInteger())),
                        com.nimbusds.jose.util.Base64URL.encode(BigIntegers.asUnsignedByteArray(size, p.getAffineYCoord().toBigInteger())))
                .build();
        Map<String, String> members = key.toJSONObject().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
        return new PublicJwk(members);
    }

    static String thumbprint(PublicJwk jwk) {
        try {
            return ECKey.parse(Map.copyOf(jwk.members())).computeThumbprint().toString();
        } catch (java.text.ParseException | JOSEException e) {
            throw new IllegalArgumentException("not an EC JWK: " + e.getMessage(), e);
        }
    }
}
