package org.satpgateway.core.crypto;

import com.nimbusds.jose.jwk.ECKey;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.satpgateway.core.message.PublicJwk;

/**
 * Parses peers' public JWKs into curve points, checks they are valid points of a supported curve, and remembers
 * the result (bounded), so that a key is parsed once however many messages it signs.
 */
public final class PublicKeys {
    private static final int CACHE_SIZE = 1024;
    private static final Map<PublicJwk, Key> CACHE = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PublicJwk, Key> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    private PublicKeys() {}

    /** A parsed public key: its algorithm, curve point, JWK and RFC 7638 thumbprint. */
    public record Key(SignatureAlgorithm algorithm, ECPublicKeyParameters point, PublicJwk jwk, String keyId) {}

    /** The parsed key, or empty when the JWK is not a valid point of a supported curve. */
    public static Optional<Key> parse(PublicJwk jwk) {
        Key cached = CACHE.get(jwk);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<SignatureAlgorithm> algorithm = SignatureAlgorithm.fromJwkCurve(jwk.curve());
        if (algorithm.isEmpty()) {
            return Optional.empty();
        }
        try {
            ECKey ec = ECKey.parse(Map.copyOf(jwk.members()));
            ECDomainParameters domain = GatewayKeyPair.domain(algorithm.get());
            BigInteger x = ec.getX().decodeToBigInteger();
            BigInteger y = ec.getY().decodeToBigInteger();
            ECPoint q = domain.getCurve().validatePoint(x, y);
            Key key = new Key(algorithm.get(), new ECPublicKeyParameters(q, domain), jwk, ec.computeThumbprint().toString());
            CACHE.put(jwk, key);
            return Optional.of(key);
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Key of(SignatureAlgorithm algorithm, ECPublicKeyParameters point) {
        PublicJwk jwk = GatewayKeyPair.toJwk(algorithm, point);
        return new Key(algorithm, point, jwk, GatewayKeyPair.thumbprint(jwk));
    }
}
