package org.satpgateway.ledger.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerAction;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

class AssetCustodyContractTest {
    @Test
    void theKeyOfAnActionIsTheHashOfItsIdempotencyKey() {
        String key = LedgerAction.LOCK.key("session-1");
        assertEquals("session-1:lock", key);
        assertEquals(Numeric.toHexString(Hash.sha3("session-1:lock".getBytes(StandardCharsets.UTF_8))),
                AssetCustodyContract.keyTopic(key));
    }

    @Test
    void theBindingMatchesTheCheckedInAbi() {
        String abi = AssetCustodyContract.abi();
        for (String name : List.of("\"lock\"", "\"unlock\"", "\"extinguish\"", "\"create\"", "\"assign\"", "\"issue\"",
                "\"outcome\"", "\"asset\"", "\"totalSupply\"", "\"operator\"", "\"Performed\"")) {
            assertTrue(abi.contains("\"name\": " + name), name);
        }
        assertEquals(Hash.sha3String("Performed(bytes32,bytes32,uint8,string,string,uint256,string,bool,string,string)"),
                AssetCustodyContract.PERFORMED_TOPIC);
        assertTrue(AssetCustodyContract.bytecode().matches("[0-9a-f]{1000,}"));
        // lock(string,string,uint256,string)
        assertTrue(AssetCustodyContract.action(LedgerAction.LOCK, "s", "a", 5, "o")
                .startsWith(Hash.sha3String("lock(string,string,uint256,string)").substring(0, 10)));
    }

    @Test
    void anOutcomeAndAnAssetAreDecodedFromWhatTheContractReturns() {
        String returned = FunctionEncoder.encodeConstructor(List.of(new Uint8(2), new Uint8(0), new Uint64(42),
                new Utf8String("err_2.2.8"), new Utf8String("asset x is LOCKED"), new Utf8String("s"),
                new Utf8String("x"), new Uint256(500), new Utf8String("alice@bank-one")));
        var o = AssetCustodyContract.decodeOutcome(AssetCustodyContract.outcome("s:lock"), "0x" + returned);
        assertEquals(new AssetCustodyContract.Outcome(AssetCustodyContract.Status.FAILED, LedgerAction.LOCK, 42,
                "err_2.2.8", "asset x is LOCKED", "s", "x", 500, "alice@bank-one"), o);

        String asset = FunctionEncoder.encodeConstructor(List.of(new Uint8(2), new Utf8String("alice@bank-one"),
                new Uint256(500), new Utf8String("s"), new Utf8String("")));
        AssetView a = AssetCustodyContract.decodeAsset("x", AssetCustodyContract.asset("x"), "0x" + asset).orElseThrow();
        assertEquals(AssetView.AssetState.LOCKED, a.state());
        assertEquals("s", a.lockedBy());
        assertNull(a.createdBy());
        String none = FunctionEncoder.encodeConstructor(List.of(new Uint8(0), new Utf8String(""), new Uint256(0),
                new Utf8String(""), new Utf8String("")));
        assertFalse(AssetCustodyContract.decodeAsset("x", AssetCustodyContract.asset("x"), "0x" + none).isPresent());
    }

    @Test
    void aPerformedEventIsDecodedFromItsTopicsAndData() {
        String data = "0x" + FunctionEncoder.encodeConstructor(List.of(new Utf8String("s"), new Utf8String("x"),
                new Uint256(500), new Utf8String("bob"), new Bool(true), new Utf8String(""), new Utf8String("")));
        var p = AssetCustodyContract.decodePerformed(List.of(AssetCustodyContract.PERFORMED_TOPIC,
                AssetCustodyContract.keyTopic("s:assign"), AssetCustodyContract.assetTopic("x"),
                Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(4), 64)), data, BigInteger.TEN, "0xb", "0xt",
                BigInteger.ONE);
        assertEquals(LedgerAction.ASSIGN, p.action());
        assertEquals("bob", p.owner());
        assertTrue(p.done());
        assertEquals(10, p.blockNumber());
    }
}
