package org.satpgateway.ejb.access;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the bearer tokens of back offices and operators: JWTs that the bank's identity provider issues (OAuth 2.0
 * client credentials, OpenID Connect), signed with a key of its JWK set (ES256, ES384, RS256 or PS256), from the
 * configured issuer, for this gateway's audience, not expired. The caller is the token's subject; its roles are the
 * strings of the roles claim ({@code groups}, as in MicroProfile JWT); the accounts it may move assets of are the
 * patterns of the accounts claim ({@code satp_accounts}: {@code alice@bank-one}, or {@code *@bank-one} for every
 * account of the organisation). The gateway keeps no passwords: the identity provider's public keys are all it needs
 * (docs/security.md).
 *
 * <p>The JWK set is a file (re-read when it changes, so that the provider's key rotation needs no restart) or an
 * {@code https} URL (fetched and cached, refreshed on an unknown key id). Thread-safe.
 */
public final class AccessTokens {
    /** A token longer than this is refused unread. */
    public static final int MAX_TOKEN_CHARS = 8192;
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.RS256, JWSAlgorithm.PS256);

    /** Where the tokens come from and what they must say. */
    public record Settings(String issuer, String audience, String jwks, String rolesClaim, String accountsClaim) {}

    /**
     * An authenticated caller: the token's subject, its roles, and the accounts whose assets it may move (patterns in
     * which {@code *} stands for any characters).
     */
    public record Caller(String name, Set<String> roles, List<String> accounts) {
        public Caller {
            roles = Set.copyOf(roles);
            accounts = List.copyOf(accounts);
        }

        /** True when one of the caller's account patterns covers {@code account}. */
        public boolean mayMove(String account) {
            return account != null && accounts.stream().anyMatch(p -> glob(p).matcher(account).matches());
        }

        private static java.util.regex.Pattern glob(String pattern) {
            String[] parts = pattern.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                regex.append(i > 0 ? ".*" : "").append(java.util.regex.Pattern.quote(parts[i]));
            }
            return java.util.regex.Pattern.compile(regex.toString());
        }
    }

    /** Why a token is not accepted. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Settings settings;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public AccessTokens(Settings settings) {
        this.settings = settings;
        JWKSource<SecurityContext> keys = keySource(settings.jwks());
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        // mutable sets: the verifier asks them whether they contain null, which Set.of answers with an exception
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(new HashSet<>(List.of(settings.audience())),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(), new HashSet<>(List.of("sub", "exp")),
                new HashSet<>()));
    }

    public Settings settings() {
        return settings;
    }

    /** The caller a token stands for; refused when it is malformed, not signed by the provider, expired or not for us. */
    public Caller verify(String token) throws Refused {
        if (token == null || token.isBlank()) {
            throw new Refused("no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new Refused("the token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new Refused("not a signed JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            throw new Refused(e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new Refused("the token cannot be checked: " + e.getMessage());
        }
        String subject = claims.getSubject();
        if (subject.isBlank() || subject.length() > 200) {
            throw new Refused("the token's subject must have 1 to 200 characters");
        }
        return new Caller(subject, strings(claims.getClaim(settings.rolesClaim())),
                List.copyOf(strings(claims.getClaim(settings.accountsClaim()))));
    }

    /** The strings of a claim that is a list of strings or one space-separated string. */
    private static Set<String> strings(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String s && !s.isBlank()) {
                    out.add(s);
                }
            }
        } else if (claim instanceof String s) {
            for (String item : s.split(" ")) {
                if (!item.isBlank()) {
                    out.add(item);
                }
            }
        }
        return out;
    }

    private static JWKSource<SecurityContext> keySource(String jwks) {
        if (jwks.startsWith("https://")) {
            try {
                return JWKSourceBuilder.create(URI.create(jwks).toURL()).retrying(true).build();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("gateway.auth.jwks is not a URL: " + jwks, e);
            }
        }
        if (jwks.contains("://")) {
            throw new IllegalArgumentException("gateway.auth.jwks must be a file or an https URL: " + jwks);
        }
        return new FileKeys(Path.of(jwks));
    }

    /** A JWK set in a file, re-read when the file changes. */
    private static final class FileKeys implements JWKSource<SecurityContext> {
        private final Path file;
        private volatile long modified = -1;
        private volatile ImmutableJWKSet<SecurityContext> keys;

        FileKeys(Path file) {
            this.file = file;
            load(); // a missing or unreadable file fails start-up
        }

        @Override
        public List<com.nimbusds.jose.jwk.JWK> get(com.nimbusds.jose.jwk.JWKSelector selector, SecurityContext context)
                throws com.nimbusds.jose.KeySourceException {
            try {
                if (Files.getLastModifiedTime(file).toMillis() != modified) {
                    load();
                }
            } catch (IOException | RuntimeException e) {
                // keep the keys read last: a file being replaced is not a reason to refuse everyone
            }
            return keys.get(selector, context);
        }

        private synchronized void load() {
            try {
                long m = Files.getLastModifiedTime(file).toMillis();
                JWKSet set = JWKSet.load(file.toFile());
                if (set.getKeys().stream().anyMatch(com.nimbusds.jose.jwk.JWK::isPrivate)) {
                    throw new IllegalStateException("the JWK set " + file + " holds a private key: give the public keys only");
                }
                keys = new ImmutableJWKSet<>(set);
                modified = m;
            } catch (IOException | ParseException e) {
                throw new IllegalStateException("cannot read the JWK set " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
