package org.satpgateway.core.ledger;

import java.util.Objects;

/**
 * What the ledger answered to one action: done, with its receipt and a proof a third party can check; or failed,
 * with the SATP error that describes why (asset not found, already locked, ...).
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
}
