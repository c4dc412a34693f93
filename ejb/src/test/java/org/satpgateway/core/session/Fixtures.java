package org.satpgateway.core.session;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.message.NetworkCapabilities;

/** Fixed keys, identities and orders for the core's tests. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final MessageCodec CODEC = new MessageCodec();
    static final GatewayKeyPair G1_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("1111111111111111111111111111111111111111111111111111111111111111", 16));
    static final GatewayKeyPair G2_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("2222222222222222222222222222222222222222222222222222222222222222", 16));
    static final GatewayKeyPair INTRUDER_KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256,
            new BigInteger("3333333333333333333333333333333333333333333333333333333333333333", 16));

    static final String ASSET = "bond-2031-0001";
    static final long AMOUNT = 1_000_000;
    static final String ORIGINATOR = "alice@bank-one";
    static final String BENEFICIARY = "bob@bank-two";

    private Fixtures() {}

    static SessionPolicy policy(String gatewayId, String networkId, String ownerId) {
        return new SessionPolicy(gatewayId, networkId, ownerId,
                List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES256K), Set.of("bond/v1"),
                Set.of(NetworkCapabilities.LockType.TIME_LOCK), Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMillis(500));
    }

    static final SessionPolicy G1_POLICY = policy("gateway-one", "ledger-one", "bank-one");
    static final SessionPolicy G2_POLICY = policy("gateway-two", "ledger-two", "bank-two");

    static ClientStateMachine client() {
        return new ClientStateMachine(new MessageSigner(CODEC, G1_KEY), new SessionLog(CODEC), G1_POLICY);
    }

    static ServerStateMachine server() {
        return new ServerStateMachine(new MessageSigner(CODEC, G2_KEY), new SessionLog(CODEC), G2_POLICY,
                (gatewayId, key) -> gatewayId.equals("gateway-one") && key.equals(G1_KEY.publicJwk()));
    }

    static TransferOrder order(String sessionId, Duration deadline) {
        return new TransferOrder(sessionId, "ctx-" + sessionId, ASSET, "bond/v1", AMOUNT, ORIGINATOR, BENEFICIARY,
                "originator-public-key", "beneficiary-public-key",
                new TransferOrder.Counterpart("gateway-two", "ledger-two", "bank-two", G2_KEY.publicJwk()),
                3, deadline);
    }
}
