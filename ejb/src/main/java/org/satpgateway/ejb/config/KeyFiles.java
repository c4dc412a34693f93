package org.satpgateway.ejb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.message.PublicJwk;

/**
 * Signing keys kept as files in the gateway's data folder: {@code <name>.key.json} holds the private scalar (owner
 * read/write only), {@code <name>.public.jwk} the public key that the counterpart organisation is given. A missing
 * key is generated on first start.
 */
public final class KeyFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyFiles() {}

    /** Loads the key pair {@code name} from {@code dir}, or generates and stores a new ES256 pair. */
    public static GatewayKeyPair loadOrCreate(Path dir, String name) {
        Path secret = dir.resolve(name + ".key.json");
        try {
            Files.createDirectories(dir);
            GatewayKeyPair key;
            if (Files.exists(secret)) {
                JsonNode n = JSON.readTree(secret.toFile());
                key = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.valueOf(n.get("alg").asText()),
                        new BigInteger(n.get("d").asText(), 16));
            } else {
                key = GatewayKeyPair.generate(SignatureAlgorithm.ES256, new SecureRandom());
                PkiFiles.writeSecret(secret, JSON.writeValueAsString(
                        Map.of("alg", key.algorithm().name(), "d", key.privateScalar().toString(16))));
            }
            PkiFiles.writeAtomically(dir.resolve(name + ".public.jwk"), JSON.writeValueAsString(key.publicJwk()));
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load or create the key " + secret, e);
        }
    }

    /** Reads a public JWK file (the counterpart's signing key). */
    public static PublicJwk readPublic(Path file) {
        try {
            return JSON.readValue(file.toFile(), PublicJwk.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the public key " + file, e);
        }
    }
}
