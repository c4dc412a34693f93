package org.satpgateway.ejb.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.satpgateway.ejb.config.MapConfig;

/** No identity provider configured, no gateway: there is no open default. */
class AccessControlTest {
    @Test
    void withoutAnIssuerOrKeysTheGatewayDoesNotStart() {
        IllegalStateException noIssuer = assertThrows(IllegalStateException.class, () -> AccessControl.settings(
                new MapConfig(Map.of("gateway.id", "gateway-one", "gateway.auth.jwks", "/tmp/jwks.json"))));
        assertTrue(noIssuer.getMessage().startsWith("gateway.auth.issuer is not set"), noIssuer.getMessage());
        IllegalStateException noKeys = assertThrows(IllegalStateException.class, () -> AccessControl.settings(
                new MapConfig(Map.of("gateway.id", "gateway-one", "gateway.auth.issuer", "https://idp.example"))));
        assertTrue(noKeys.getMessage().startsWith("gateway.auth.jwks is not set"), noKeys.getMessage());
    }

    @Test
    void theAudienceIsTheGatewayAndTheClaimsAreTheMicroProfileOnesUnlessSaidOtherwise() {
        AccessTokens.Settings s = AccessControl.settings(new MapConfig(Map.of("gateway.id", "gateway-one",
                "gateway.auth.issuer", "https://idp.example", "gateway.auth.jwks", "/tmp/jwks.json")));
        assertEquals(new AccessTokens.Settings("https://idp.example", "gateway-one", "/tmp/jwks.json", "groups",
                "satp_accounts"), s);
    }
}
