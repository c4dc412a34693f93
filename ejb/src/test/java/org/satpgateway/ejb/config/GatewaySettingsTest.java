package org.satpgateway.ejb.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway has no default password: a missing one stops the start, naming the setting. */
class GatewaySettingsTest {
    private static Map<String, String> complete() {
        Map<String, String> m = new HashMap<>();
        m.put("gateway.id", "gateway-one");
        m.put("gateway.network", "ledger-one");
        m.put("gateway.owner", "bank-one");
        m.put("gateway.data-dir", "/tmp/gateway-settings-test");
        m.put("gateway.peer.id", "gateway-two");
        m.put("gateway.peer.network", "ledger-two");
        m.put("gateway.peer.owner", "bank-two");
        m.put("gateway.peer.endpoint", "https://127.0.0.1:9/satp/v1/messages");
        m.put("gateway.peer.certificate-file", "/tmp/peer.crt.pem");
        m.put("gateway.tls.key-store-password", "k-secret");
        m.put("gateway.tls.trust-store-password", "t-secret");
        return m;
    }

    @Test
    void thePasswordsAreTheOnesGiven() {
        GatewaySettings s = GatewaySettings.from(new MapConfig(complete()));
        assertArrayEquals("k-secret".toCharArray(), s.tls().keyStorePassword());
        assertArrayEquals("t-secret".toCharArray(), s.tls().trustStorePassword());
        assertEquals("reference", s.ledgerKind());
    }

    @Test
    void aMissingPasswordStopsTheStartNamingTheSetting() {
        for (String key : new String[] {"gateway.tls.key-store-password", "gateway.tls.trust-store-password"}) {
            Map<String, String> m = complete();
            m.remove(key);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> GatewaySettings.from(new MapConfig(m)));
            assertTrue(e.getMessage().startsWith(key + " is not set"), e.getMessage());
        }
    }
}
