package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 7, G1 to G2: prepare the commit (G2 mints). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommitPrepare(Common common) implements SatpMessage {
    public CommitPrepare {
        SatpMessage.typed(common, MessageType.COMMIT_PREPARE);
    }
}
