package org.satpgateway.ejb.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTokensTest {
    private static final String ISSUER = "https://idp.bank-one.example";

    @TempDir
    Path dir;
    private ECKey key;
    private Path jwks;
    private AccessTokens tokens;

    @BeforeEach
    void provider() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        tokens = new AccessTokens(new AccessTokens.Settings(ISSUER, "gateway-one", jwks.toString(), "groups", "satp_accounts"));
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("payments-hub").audience("gateway-one")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("groups", List.of("back-office", "auditor")).claim("satp_accounts", List.of("*@bank-one", "treasury@bank-two"));
    }

    private String sign(ECKey with, JWTClaimsSet c) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(with.getKeyID()).build(), c);
        jwt.sign(new ECDSASigner(with));
        return jwt.serialize();
    }

    @Test
    void aTokenOfTheProviderForThisGatewayGivesItsSubjectAndRoles() throws Exception {
        AccessTokens.Caller c = tokens.verify(sign(key, claims().build()));
        assertEquals("payments-hub", c.name());
        assertEquals(Set.of("back-office", "auditor"), c.roles());
        assertTrue(c.mayMove("alice@bank-one"));
        assertTrue(c.mayMove("treasury@bank-two"));
        assertFalse(c.mayMove("bob@bank-two"), "another account of another organisation");
        assertFalse(c.mayMove("alice@bank-one.evil"), "a pattern covers the whole account, not a prefix");
        assertFalse(c.mayMove("alice@bank-onex"));
        assertFalse(new AccessTokens.Caller("x", Set.of(), List.of("a.b@bank-one")).mayMove("axb@bank-one"),
                "only * is a wildcard");
        assertFalse(new AccessTokens.Caller("x", Set.of(), List.of()).mayMove("alice@bank-one"), "no grant, no account");
    }

    @Test
    void tokensThatAreNotExactlyRightAreRefused() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(2));
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        List<String> refused = List.of(
                sign(key, claims().expirationTime(Date.from(past)).build()),
                sign(key, claims().audience("gateway-two").build()),
                sign(key, claims().issuer("https://idp.elsewhere.example").build()),
                sign(key, claims().subject(null).build()),
                sign(key, claims().expirationTime(null).build()),
                sign(key, claims().subject("x".repeat(201)).build()),
                sign(other, claims().build()),
                new PlainJWT(new PlainHeader(), claims().build()).serialize(),
                hmacWithThePublicKey(),
                "x".repeat(AccessTokens.MAX_TOKEN_CHARS + 1),
                "not.a.token",
                "");
        for (String t : refused) {
            assertThrows(AccessTokens.Refused.class, () -> tokens.verify(t), t.length() > 80 ? t.substring(0, 80) : t);
        }
    }

    /** The algorithm-confusion attack: an HMAC keyed with the provider's public key. */
    private String hmacWithThePublicKey() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
        byte[] secret = key.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    @Test
    void aRotatedKeySetIsReadWithoutARestart() throws Exception {
        ECKey next = new ECKeyGenerator(Curve.P_256).keyID("k2").generate();
        String withNext = sign(next, claims().build());
        assertThrows(AccessTokens.Refused.class, () -> tokens.verify(withNext));
        Files.writeString(jwks, new JWKSet(List.of(key.toPublicJWK(), next.toPublicJWK())).toString());
        Files.setLastModifiedTime(jwks, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals("payments-hub", tokens.verify(withNext).name());
    }

    @Test
    void aKeySetWithAPrivateKeyOrNoFileStopsTheStart() throws Exception {
        Path secret = dir.resolve("secret.json");
        Files.writeString(secret, new JWKSet(key).toString(false));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new AccessTokens(new AccessTokens.Settings(ISSUER, "gateway-one", secret.toString(), "groups", "satp_accounts")));
        assertTrue(e.getMessage().contains("private key"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new AccessTokens(new AccessTokens.Settings(ISSUER, "gateway-one",
                dir.resolve("missing.json").toString(), "groups", "satp_accounts")));
        assertThrows(IllegalArgumentException.class, () -> new AccessTokens(new AccessTokens.Settings(ISSUER, "gateway-one",
                "http://idp.example/jwks", "groups", "satp_accounts")));
    }
}
