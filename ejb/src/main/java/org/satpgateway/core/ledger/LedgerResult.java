package org.satpgateway.core.ledger;

import java.util.Objects;

/**
 * What the ledger answered to one action: done, with its receipt and a proof a third party can check; failed, with
 * the SATP error that describes why (asset not found, already locked, ...); or pending: submitted and not final yet
 * (a chain that waits for confirmations), with what finds it again.
 */
public sealed interface LedgerResult {
    LedgerAction action();

    record Done(LedgerAction action, String receipt, String proof) implements LedgerResult {
        public Done {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(receipt, "receipt");
            Objects.requireNonNull(proof, "proof");
        }
    }

    record Failed(LedgerAction action, String errorCode, String reason) implements LedgerResult {
        public Failed {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Submitted and not final yet: the connector answers Done or Failed to the same request once the ledger has made
     * it final. {@code reference} is what finds the submission again (for a chain: the transaction's hash and the
     * sender's nonce); the gateway logs it and asks again later, holding no transaction meanwhile.
     */
    record Pending(LedgerAction action, String reference) implements LedgerResult {
        public Pending {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(reference, "reference");
        }
    }

    /** True when the ledger has made the action final (done or failed). */
    default boolean isFinal() {
        return !(this instanceof Pending);
    }
}
