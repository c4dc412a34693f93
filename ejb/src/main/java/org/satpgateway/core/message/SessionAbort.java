package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An application-initiated end of the session, either direction; anything after it is ignored. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionAbort(Common common, String reason) implements SatpMessage {
    public SessionAbort {
        SatpMessage.typed(common, MessageType.SESSION_ABORT);
        Require.nonBlank(reason, "reason");
    }
}
