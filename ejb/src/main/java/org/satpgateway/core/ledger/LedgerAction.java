package org.satpgateway.core.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The ledger actions a gateway performs. Each is idempotent and keyed by (sessionId, action): performing it again
 * for the same session returns the first result and changes nothing.
 */
public enum LedgerAction {
    /** G1 locks the asset on the source ledger (step 2.1). */
    LOCK("lock"),
    /** G1 releases its lock (rollback). */
    UNLOCK("unlock"),
    /** Burn: G1 extinguishes the locked asset (step 3.4, no return); G2 destroys its minted asset on rollback. */
    EXTINGUISH("extinguish"),
    /** G2 mints the equivalent asset, held by G2 itself (step 3.2). */
    CREATE("create"),
    /** G2 assigns the minted asset to the beneficiary (step 3.6). */
    ASSIGN("assign");

    private final String wireName;

    LedgerAction(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The idempotency key of this action in a session. */
    public String key(String sessionId) {
        return sessionId + ":" + wireName;
    }

    @JsonCreator
    public static LedgerAction fromWireName(String name) {
        for (LedgerAction a : values()) {
            if (a.wireName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown ledger action " + name);
    }

    public static java.util.Optional<LedgerAction> lookup(String name) {
        for (LedgerAction a : values()) {
            if (a.wireName.equals(name)) {
                return java.util.Optional.of(a);
            }
        }
        return java.util.Optional.empty();
    }
}
