package org.satpgateway.core.session;

import java.util.function.Supplier;
import org.satpgateway.core.message.PublicJwk;

/**
 * What this gateway tells a counterpart about its signing key when recovery starts. A session whose messages this
 * gateway signed with another key (before a key loss, or on the gateway it took over from) gets the current key and
 * its certificate in recover-msg; {@code backup} says whether this gateway took the sessions over from another one.
 *
 * @param certificate the PEM certificate of {@code key}; read when a recover-msg is made
 */
public record Identity(PublicJwk key, Supplier<String> certificate, boolean backup) {}
