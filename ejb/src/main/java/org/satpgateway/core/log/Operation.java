package org.satpgateway.core.log;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a log entry says about its step: {@code init} (about to perform a ledger action), {@code exec} (the ledger
 * took the action and makes it final later: a chain that waits for confirmations; the entry holds what finds it
 * again), {@code done} (a ledger action done, with its
 * result; or a message sent, with its signed text), {@code ack} (a message received from the counterpart and
 * accepted) and {@code fail} (an action failed, or an alert for an operator).
 */
public enum Operation {
    INIT("init"),
    EXEC("exec"),
    DONE("done"),
    ACK("ack"),
    FAIL("fail");

    private final String wireName;

    Operation(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Operation fromWireName(String name) {
        for (Operation o : values()) {
            if (o.wireName.equals(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown log operation " + name);
    }
}
