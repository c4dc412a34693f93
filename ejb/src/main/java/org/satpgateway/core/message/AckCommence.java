package org.satpgateway.core.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Message 4, G2 to G1: ready for the lock. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AckCommence(Common common) implements SatpMessage {
    public AckCommence {
        SatpMessage.typed(common, MessageType.ACK_COMMENCE);
    }
}
