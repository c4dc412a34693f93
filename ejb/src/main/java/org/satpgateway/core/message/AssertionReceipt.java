package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 6, G2 to G1: the lock claim was checked and accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssertionReceipt(Common common) implements SatpMessage {
    public AssertionReceipt {
        SatpMessage.typed(common, MessageType.ASSERTION_RECEIPT);
    }
}
