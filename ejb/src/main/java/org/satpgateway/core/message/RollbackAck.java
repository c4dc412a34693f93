package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** rollback-ack-msg: the other side rolled back too. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollbackAck(Common common, boolean success, List<String> actionsPerformed, List<String> proofs) implements SatpMessage {
    public RollbackAck {
        SatpMessage.typed(common, MessageType.ROLLBACK_ACK);
        actionsPerformed = Require.list(actionsPerformed, "actionsPerformed");
        proofs = Require.list(proofs, "proofs");
    }
}
