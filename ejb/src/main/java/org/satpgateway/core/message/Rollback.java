package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** rollback-msg: the sender rolled back its side and asks the other to do the same. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rollback(Common common, boolean success, List<String> actionsPerformed, List<String> proofs) implements SatpMessage {
    public Rollback {
        SatpMessage.typed(common, MessageType.ROLLBACK);
        actionsPerformed = Require.list(actionsPerformed, "actionsPerformed");
        proofs = Require.list(proofs, "proofs");
    }
}
