package org.satpgateway.core.session;

import java.time.Duration;
import java.util.Objects;
import org.satpgateway.core.message.PublicJwk;

/**
 * A back-office job as the client gateway's state machine takes it: what to move, from whom, to whom, through
 * which counterpart, and by when.
 *
 * @param deadline how long the transfer may take; both gateways roll back (where the protocol allows) after it
 */
public record TransferOrder(
        String sessionId,
        String transferContextId,
        String digitalAssetId,
        String assetProfileId,
        long amount,
        String originator,
        String beneficiary,
        String originatorPublicKey,
        String beneficiaryPublicKey,
        Counterpart counterpart,
        int maxRetries,
        Duration deadline) {

    /** The server gateway the transfer goes through, as this gateway's configuration knows it. */
    public record Counterpart(String gatewayId, String networkId, String ownerId, PublicJwk signingKey) {
        public Counterpart {
            Objects.requireNonNull(gatewayId, "counterpart.gatewayId");
            Objects.requireNonNull(networkId, "counterpart.networkId");
            Objects.requireNonNull(signingKey, "counterpart.signingKey");
        }
    }

    public TransferOrder {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(transferContextId, "transferContextId");
        Objects.requireNonNull(counterpart, "counterpart");
        Objects.requireNonNull(deadline, "deadline");
    }
}
