package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.TreeMap;

/**
 * A gateway's public key as a JSON Web Key (RFC 7517): an EC key on P-256 (ES256) or secp256k1 (ES256K).
 * Only the public members are kept; the map is sorted so that equal keys compare equal.
 */
public record PublicJwk(Map<String, String> members) {

    @JsonCreator
    public PublicJwk {
        Require.present(members, "jwk");
        if (!"EC".equals(members.get("kty"))) {
            throw new IllegalArgumentException("jwk.kty must be EC");
        }
        for (String m : new String[] {"crv", "x", "y"}) {
            Require.nonBlank(members.get(m), "jwk." + m);
        }
        if (members.containsKey("d")) {
            throw new IllegalArgumentException("jwk must not contain a private key");
        }
        members = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(members));
    }

    @JsonValue
    @Override
    public Map<String, String> members() {
        return members;
    }

    public String curve() {
        return members.get("crv");
    }
}
