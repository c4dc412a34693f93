package org.satpgateway.core.session;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.message.NetworkCapabilities;

/**
 * This gateway's identity and what it accepts: settings, not state.
 *
 * @param gatewayId this gateway's id
 * @param networkId the id of the ledger network behind it
 * @param ownerId the organisation that runs it
 * @param supportedAlgorithms signature algorithms it verifies, ES256 first
 * @param assetProfiles asset profiles its ledger can hold
 * @param lockTypes lock types its ledger offers
 * @param lockExpiration how long the source ledger's lock lasts (proposed by the client)
 * @param retryBase first delay before resending an unanswered message; doubled per attempt
 * @param ledgerPoll how long after a ledger answered that an action is submitted and not final the gateway asks again
 */
public record SessionPolicy(
        String gatewayId,
        String networkId,
        String ownerId,
        List<SignatureAlgorithm> supportedAlgorithms,
        Set<String> assetProfiles,
        Set<NetworkCapabilities.LockType> lockTypes,
        Duration lockExpiration,
        Duration retryBase,
        Duration ledgerPoll) {

    /** The assertion claim format this gateway writes and reads: a ledger receipt and its signed record. */
    public static final String CLAIM_FORMAT = "urn:satp-gateway:claim:ledger-receipt:1.0";
    /** The TLS scheme offered between gateways. */
    public static final String TLS_SCHEME = "TLS1.3-mutual";

    public SessionPolicy {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(ownerId, "ownerId");
        supportedAlgorithms = List.copyOf(supportedAlgorithms);
        assetProfiles = Set.copyOf(assetProfiles);
        lockTypes = Set.copyOf(lockTypes);
        Objects.requireNonNull(lockExpiration, "lockExpiration");
        Objects.requireNonNull(retryBase, "retryBase");
        Objects.requireNonNull(ledgerPoll, "ledgerPoll");
    }

    /** Delay before attempt {@code attempt} (1-based): retryBase, 2x, 4x, ... capped at 32x. */
    public Duration retryDelay(int attempt) {
        return retryBase.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 5));
    }
}
