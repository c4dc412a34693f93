package org.satpgateway.ledger.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.crypto.SignatureAlgorithm;

class EvmReceiptTest {
    private static final GatewayKeyPair KEY = GatewayKeyPair.fromPrivateScalar(SignatureAlgorithm.ES256, BigInteger.valueOf(99));

    @Test
    void theReceiptIsCanonicalJsonWithTheChainCoordinatesAndTheProofChecks() {
        EvmReceipt r = new EvmReceipt("ledger-one", "lock", "s", "bond", 500, "alice@bank-one", 31337, "0xc0", "0xt", 12, "0xb");
        String receipt = new MessageCodec().canonicalJson(r);
        assertEquals("{\"action\":\"lock\",\"amount\":500,\"assetId\":\"bond\",\"blockHash\":\"0xb\",\"blockNumber\":12,"
                + "\"chainId\":31337,\"contract\":\"0xc0\",\"network\":\"ledger-one\",\"owner\":\"alice@bank-one\","
                + "\"sessionId\":\"s\",\"txHash\":\"0xt\"}", receipt);
        String proof = Jws.signDetached(receipt.getBytes(StandardCharsets.UTF_8), KEY);
        assertTrue(EvmLedger.proofHolds(receipt, proof, KEY.publicJwk()));
        assertFalse(EvmLedger.proofHolds(receipt.replace("\"amount\":500", "\"amount\":501"), proof, KEY.publicJwk()));
    }
}
