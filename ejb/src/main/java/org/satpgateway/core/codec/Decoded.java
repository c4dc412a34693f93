package org.satpgateway.core.codec;

import org.satpgateway.core.Rejection;

/** What decoding a received message gave: the message and its signed payload, or why it was refused. */
public sealed interface Decoded {

    /** A well-formed message; {@code payload} is the JCS bytes its signature must cover. Not yet verified. */
    record Message(SignedMessage message, byte[] payload) implements Decoded {}

    /** A refused input, with its SATP error. */
    record Refused(Rejection rejection) implements Decoded {}
}
