package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An error, either direction. {@code common.hashPrevMessage} is the hash of the offending message; the fields mirror an RFC 9457 problem. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorMessage(Common common, String errorCode, String title, String detail) implements SatpMessage {
    public ErrorMessage {
        SatpMessage.typed(common, MessageType.ERROR);
        Require.nonBlank(errorCode, "errorCode");
        Require.nonBlank(title, "title");
        Require.present(detail, "detail");
    }
}
