package org.satpgateway.core.message;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every field a message carries into a column of the log or a ledger is bounded by that column, and every time is
 * one the gateway can compute with: a message that would fail in its step (and be retried into the dead-letter
 * queue) is refused at the door instead.
 */
class FieldBoundsTest {
    private static final String SESSION = "5f0c6a4e-0000-4000-8000-0000000000b1";

    @Test
    void idsLongerThanTheirColumnsAreRefused() {
        assertRefused("common.sessionId", () -> header("s".repeat(65), "ctx", "2026-01-01T00:00:00Z"));
        assertRefused("common.transferContextId", () -> header(SESSION, "c".repeat(201), "2026-01-01T00:00:00Z"));
        assertDoesNotThrow(() -> header(SESSION, "c".repeat(200), "2026-01-01T00:00:00Z"));
    }

    @Test
    void aTimeOutsideTheYears2000To9999IsRefused() {
        assertRefused("common.timestamp", () -> header(SESSION, "ctx", "+20000-01-01T00:00:00Z"));
        assertRefused("common.timestamp", () -> header(SESSION, "ctx", "1970-01-01T00:00:00Z"));
    }

    @Test
    void aBeneficiaryLongerThanTheLedgersOwnerColumnIsRefused() {
        assertRefused("verifiedBeneficiaryEntityId", () -> claim("bob@bank-two".repeat(20)));
        assertDoesNotThrow(() -> claim("bob@bank-two"));
    }

    private static Common header(String sessionId, String contextId, String timestamp) {
        return new Common(Common.VERSION, MessageType.ERROR, sessionId, contextId, 0, null, timestamp);
    }

    private static TransferInitClaim claim(String beneficiary) {
        PublicJwk key = new PublicJwk(java.util.Map.of("kty", "EC", "crv", "P-256", "x", "x", "y", "y"));
        return new TransferInitClaim("bond-1", "bond/v1", 10, "alice@bank-one", beneficiary, "k1", "k2", key, key,
                "gateway-one", "gateway-two", "ledger-one", "ledger-two", null, null);
    }

    private static void assertRefused(String field, org.junit.jupiter.api.function.Executable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }
}
