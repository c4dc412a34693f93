package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** recover-update-ack-msg: the recovering side applied the update; lists the hashes of the messages it appended. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoverUpdateAck(Common common, String hashRecoverUpdateMessage, boolean success, List<String> entriesChanged) implements SatpMessage {
    public RecoverUpdateAck {
        SatpMessage.typed(common, MessageType.RECOVER_UPDATE_ACK);
        Require.sha256Hex(hashRecoverUpdateMessage, "hashRecoverUpdateMessage");
        entriesChanged = Require.list(entriesChanged, "entriesChanged");
    }
}
