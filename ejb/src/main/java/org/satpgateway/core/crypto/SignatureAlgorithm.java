package org.satpgateway.core.crypto;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JWS algorithms a gateway signs with. ES256 (ECDSA on P-256 with SHA-256) is mandatory and the default;
 * ES256K (secp256k1) is offered for peers that use it.
 */
public enum SignatureAlgorithm {
    ES256("ES256", "P-256", "secp256r1"),
    ES256K("ES256K", "secp256k1", "secp256k1");

    private final String jwsName;
    private final String jwkCurve;
    private final String curveName;

    SignatureAlgorithm(String jwsName, String jwkCurve, String curveName) {
        this.jwsName = jwsName;
        this.jwkCurve = jwkCurve;
        this.curveName = curveName;
    }

    /** The JWS {@code alg} value, also used in the proposal's capabilities. */
    public String jwsName() {
        return jwsName;
    }

    /** The JWK {@code crv} value. */
    public String jwkCurve() {
        return jwkCurve;
    }

    /** The curve's name in Bouncy Castle's named-curve table. */
    String curveName() {
        return curveName;
    }

    public static Optional<SignatureAlgorithm> fromJwsName(String name) {
        return Stream.of(values()).filter(a -> a.jwsName.equals(name)).findFirst();
    }

    public static Optional<SignatureAlgorithm> fromJwkCurve(String crv) {
        return Stream.of(values()).filter(a -> a.jwkCurve.equals(crv)).findFirst();
    }
}
