package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** recover-success-msg: the counterpart confirms; the side that owes the next protocol message sends it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoverSuccess(Common common, boolean success) implements SatpMessage {
    public RecoverSuccess {
        SatpMessage.typed(common, MessageType.RECOVER_SUCCESS);
    }
}
