package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** recover-msg: a gateway that recovered (or a backup that took over) tells the counterpart where its log ends. {@code common.sequenceNumber} is its last logged chain position. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recover(Common common, String satpPhase, boolean isBackup, PublicJwk newIdentityPublicKey, String certificate, String lastEntryTimestamp, String crashReason) implements SatpMessage {
    public Recover {
        SatpMessage.typed(common, MessageType.RECOVER);
        Require.nonBlank(satpPhase, "satpPhase");
        if (lastEntryTimestamp != null) {
            Require.timestamp(lastEntryTimestamp, "lastEntryTimestamp");
        }
    }
}
