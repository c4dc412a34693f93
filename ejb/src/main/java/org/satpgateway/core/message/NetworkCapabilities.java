package org.satpgateway.core.message;

import java.util.List;

/**
 * The gateway and network capabilities offered in the proposal: signature algorithms, the network's lock type
 * and how long a lock lasts, and the TLS scheme between the gateways.
 *
 * @param networkLockExpirationTime lock duration in milliseconds
 */
public record NetworkCapabilities(
        String gatewayDefaultSignatureAlgorithm,
        List<String> gatewaySupportedSignatureAlgorithms,
        LockType networkLockType,
        long networkLockExpirationTime,
        String gatewayTlsScheme) {

    /** The lock types of SATP core. */
    public enum LockType {
        TIME_LOCK,
        HASH_LOCK,
        HASH_TIME_LOCK
    }

    public NetworkCapabilities {
        Require.nonBlank(gatewayDefaultSignatureAlgorithm, "gatewayAndNetworkCapabilities.gatewayDefaultSignatureAlgorithm");
        gatewaySupportedSignatureAlgorithms = Require.list(
                gatewaySupportedSignatureAlgorithms, "gatewayAndNetworkCapabilities.gatewaySupportedSignatureAlgorithms");
        Require.present(networkLockType, "gatewayAndNetworkCapabilities.networkLockType");
        if (networkLockExpirationTime <= 0 || networkLockExpirationTime > TransferProposal.MAX_TIMEOUT_MILLIS) {
            throw new IllegalArgumentException(
                    "gatewayAndNetworkCapabilities.networkLockExpirationTime must be between 1 ms and 30 days");
        }
        Require.nonBlank(gatewayTlsScheme, "gatewayAndNetworkCapabilities.gatewayTlsScheme");
    }
}
