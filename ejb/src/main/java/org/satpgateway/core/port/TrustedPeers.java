package org.satpgateway.core.port;

import org.satpgateway.core.message.PublicJwk;

/** Which counterpart gateways, with which signing keys, this gateway deals with. */
public interface TrustedPeers {
    /** True when {@code key} is the signing key of the known gateway {@code gatewayId}. */
    boolean isTrusted(String gatewayId, PublicJwk key);
}
