package org.satpgateway.core.port;

import java.util.Optional;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.Recover;

/**
 * Decides whether a counterpart's recover-msg may replace the key it signs a session with (protocol.md,
 * Primary-backup, new keys): a gateway that lost its key pair, or a backup that took over.
 */
public interface KeyAuthority {
    /**
     * Why {@code announcement} (its {@code newIdentityPublicKey}, {@code certificate} and {@code isBackup}) may not
     * replace {@code currentKey} as the key of gateway {@code peerGatewayId}; empty when it may.
     */
    Optional<Rejection> check(String peerGatewayId, PublicJwk currentKey, Recover announcement);

    /** Accepts no new key: the answer of a gateway that has no certificates to check one against. */
    KeyAuthority NONE = (id, key, announcement) -> Optional.of(org.satpgateway.core.Rejection.of(
            org.satpgateway.core.SatpError.KEY_NOT_AUTHORISED,
            "a new identity key needs a certificate from the counterpart's organisation, and none is accepted here"));
}
