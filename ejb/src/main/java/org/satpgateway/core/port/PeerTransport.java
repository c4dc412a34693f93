package org.satpgateway.core.port;

import org.satpgateway.core.codec.SignedMessage;

/**
 * Sends a signed message to the counterpart gateway. Promise: when {@link #send} returns, the message will reach
 * the counterpart's {@code POST /satp/v1/messages} (it is on a durable outbound queue, or already accepted there).
 */
public interface PeerTransport {
    void send(SignedMessage message);
}
