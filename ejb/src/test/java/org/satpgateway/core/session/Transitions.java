package org.satpgateway.core.session;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import org.satpgateway.core.codec.Decoded;
import org.satpgateway.core.codec.SignedMessage;

/** What the core's scenario tests do with a transition: insist it was accepted, take what it sent, read it back. */
final class Transitions {
    private Transitions() {}

    static Transition.Accepted accepted(Transition t) {
        return assertInstanceOf(Transition.Accepted.class, t, () -> "expected acceptance, got " + t);
    }

    /** The last message the transition sends. */
    static SignedMessage sent(Transition.Accepted a) {
        return a.effects().stream().filter(Effect.Send.class::isInstance).map(e -> ((Effect.Send) e).message())
                .reduce((x, y) -> y).orElseThrow();
    }

    static Decoded.Message decode(SignedMessage m) {
        return decode(m.wire());
    }

    static Decoded.Message decode(String wire) {
        return assertInstanceOf(Decoded.Message.class, Fixtures.CODEC.decode(wire.getBytes(StandardCharsets.UTF_8)));
    }
}
