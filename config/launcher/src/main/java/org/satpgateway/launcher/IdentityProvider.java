package org.satpgateway.launcher;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.satpgateway.ejb.config.PkiFiles;

/**
 * The embedded default's stand-in for a bank's identity provider: an ES256 key that signs the access tokens of the
 * back office and operators, and its public JWK set, which the gateways are pointed at ({@code gateway.auth.jwks}).
 * In production the bank's own provider (Keycloak, ADFS, Entra ID, ...) issues the tokens and the gateway gets its
 * issuer and JWK set URL (docs/security.md). The signing key is a secret: owner-only permissions.
 */
public final class IdentityProvider {
    /** The {@code iss} of the embedded default's tokens. */
    public static final String ISSUER = "urn:satp-gateway:embedded-identity-provider";

    private final Path jwks;
    private final ECKey key;

    private IdentityProvider(Path jwks, ECKey key) {
        this.jwks = jwks;
        this.key = key;
    }

    /** The provider whose files are in {@code dir}: created on the first call, read afterwards. */
    public static IdentityProvider in(Path dir) {
        try {
            Files.createDirectories(dir);
            Path secret = dir.resolve("signing-key.jwk.json");
            Path jwks = dir.resolve("jwks.json");
            ECKey key;
            if (Files.exists(secret)) {
                key = ECKey.parse(Files.readString(secret));
            } else {
                key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
                PkiFiles.writeSecret(secret, key.toJSONString());
            }
            Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
            return new IdentityProvider(jwks, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("cannot make or read the identity provider's key in " + dir, e);
        }
    }

    /** A provider with a fresh key that no gateway trusts (tests: a forged token). */
    public static IdentityProvider stranger() {
        try {
            return new IdentityProvider(null, new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWK set file. */
    public Path jwks() {
        return jwks;
    }

    /** The settings that make a gateway take this provider's tokens (the audience is the gateway's id). */
    public Map<String, String> gatewaySettings() {
        return Map.of("gateway.auth.issuer", ISSUER, "gateway.auth.jwks", jwks.toString());
    }

    /** An access token for {@code subject} with {@code roles}, for the gateway {@code audience}, granting no account. */
    public String token(String subject, String audience, List<String> roles, Duration validity) {
        return token(ISSUER, subject, audience, roles, List.of(), Instant.now(), validity);
    }

    /**
     * An access token that also grants moving the assets of {@code accounts} (patterns such as {@code *@bank-one}),
     * as the bank's provider grants a back office the accounts it acts for.
     */
    public String token(String subject, String audience, List<String> roles, List<String> accounts, Duration validity) {
        return token(ISSUER, subject, audience, roles, accounts, Instant.now(), validity);
    }

    /** A token with every claim chosen (tests: another issuer, an expired token). */
    public String token(String issuer, String subject, String audience, List<String> roles, List<String> accounts,
            Instant issuedAt, Duration validity) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(audience)
                .issueTime(Date.from(issuedAt)).expirationTime(Date.from(issuedAt.plus(validity)))
                .jwtID(UUID.randomUUID().toString()).claim("groups", roles).claim("satp_accounts", accounts).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
