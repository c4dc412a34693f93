package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** recover-update-msg: the counterpart's answer, with its messages (signed, as transmitted) that the recovering side lacks, and its own last chain position in {@code common.sequenceNumber}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoverUpdate(Common common, String hashRecoverMessage, List<String> recoveredMessages) implements SatpMessage {
    public RecoverUpdate {
        SatpMessage.typed(common, MessageType.RECOVER_UPDATE);
        Require.sha256Hex(hashRecoverMessage, "hashRecoverMessage");
        recoveredMessages = Require.list(recoveredMessages, "recoveredMessages");
    }
}
