package org.satpgateway.ledger.evm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerAction;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The Java binding of the contract {@code AssetCustody} (config/evm/contracts/AssetCustody.sol): the calls it takes,
 * the views it answers and the event it emits, encoded and decoded with web3j's ABI codec. The ABI and the creation
 * bytecode are the checked-in output of config/evm/compile.js, next to this class in the resources.
 */
final class AssetCustodyContract {
    /** The recorded outcome of a key. */
    enum Status { NONE, DONE, FAILED }

    /** What {@code outcome(key)} answers. */
    record Outcome(Status status, LedgerAction action, long blockNumber, String errorCode, String reason,
            String sessionId, String assetId, long amount, String owner) {}

    /** One {@code Performed} event as {@code eth_getLogs} returns it. */
    record Performed(String key, LedgerAction action, String sessionId, String assetId, long amount, String owner,
            boolean done, String errorCode, String reason, long blockNumber, String blockHash, String txHash,
            long logIndex) {}

    static final Event PERFORMED = new Event("Performed", List.of(
            new TypeReference<Bytes32>(true) {},
            new TypeReference<Bytes32>(true) {},
            new TypeReference<Uint8>(true) {},
            new TypeReference<Utf8String>() {},
            new TypeReference<Utf8String>() {},
            new TypeReference<Uint256>() {},
            new TypeReference<Utf8String>() {},
            new TypeReference<Bool>() {},
            new TypeReference<Utf8String>() {},
            new TypeReference<Utf8String>() {}));

    static final String PERFORMED_TOPIC = EventEncoder.encode(PERFORMED);

    private AssetCustodyContract() {}

    /** The creation bytecode (hex, no 0x) of the checked-in build. */
    static String bytecode() {
        return resource("AssetCustody.bin").trim();
    }

    /** The checked-in ABI (JSON text). */
    static String abi() {
        return resource("AssetCustody.abi.json");
    }

    private static String resource(String name) {
        try (InputStream in = AssetCustodyContract.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource org/satpgateway/ledger/evm/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The contract's key of an action: keccak256 of the idempotency key's UTF-8 bytes ("sessionId:action"). */
    static byte[] key(String idempotencyKey) {
        return Hash.sha3(idempotencyKey.getBytes(StandardCharsets.UTF_8));
    }

    static String keyTopic(String idempotencyKey) {
        return Numeric.toHexString(key(idempotencyKey));
    }

    static String assetTopic(String assetId) {
        return Numeric.toHexString(Hash.sha3(assetId.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- calls -------------------------------------------------------------------------------------------------

    /** The call data of a gateway action: {@code lock|unlock|extinguish|create|assign(sessionId, assetId, amount, owner)}. */
    static String action(LedgerAction action, String sessionId, String assetId, long amount, String owner) {
        return FunctionEncoder.encode(new Function(action.wireName(), List.of(new Utf8String(sessionId),
                new Utf8String(assetId), new Uint256(amount), new Utf8String(owner)), List.of()));
    }

    static String issue(String assetId, String owner, long amount) {
        return FunctionEncoder.encode(new Function("issue", List.of(new Utf8String(assetId), new Utf8String(owner),
                new Uint256(amount)), List.of()));
    }

    // ---- views -------------------------------------------------------------------------------------------------

    static final Function OPERATOR = new Function("operator", List.of(), List.of(new TypeReference<Address>() {}));
    static final Function TOTAL_SUPPLY = new Function("totalSupply", List.of(), List.of(new TypeReference<Uint256>() {}));

    static Function outcome(String idempotencyKey) {
        return new Function("outcome", List.of(new Bytes32(key(idempotencyKey))), List.of(
                new TypeReference<Uint8>() {},
                new TypeReference<Uint8>() {},
                new TypeReference<Uint64>() {},
                new TypeReference<Utf8String>() {},
                new TypeReference<Utf8String>() {},
                new TypeReference<Utf8String>() {},
                new TypeReference<Utf8String>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Utf8String>() {}));
    }

    static Function asset(String assetId) {
        return new Function("asset", List.of(new Utf8String(assetId)), List.of(
                new TypeReference<Uint8>() {},
                new TypeReference<Utf8String>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Utf8String>() {},
                new TypeReference<Utf8String>() {}));
    }

    @SuppressWarnings("rawtypes")
    static List<Type> decode(Function function, String returned) {
        List<Type> values = FunctionReturnDecoder.decode(returned, function.getOutputParameters());
        if (values.size() != function.getOutputParameters().size()) {
            throw new IllegalStateException("the contract answered " + function.getName() + " with "
                    + (returned == null || returned.length() < 3 ? "nothing (no contract at that address?)" : returned));
        }
        return values;
    }

    @SuppressWarnings("rawtypes")
    static Outcome decodeOutcome(Function function, String returned) {
        List<Type> v = decode(function, returned);
        Status status = Status.values()[uint(v.get(0)).intValueExact()];
        LedgerAction action = status == Status.NONE ? null : LedgerAction.values()[uint(v.get(1)).intValueExact()];
        return new Outcome(status, action, uint(v.get(2)).longValueExact(), str(v.get(3)), str(v.get(4)), str(v.get(5)),
                str(v.get(6)), uint(v.get(7)).longValueExact(), str(v.get(8)));
    }

    @SuppressWarnings("rawtypes")
    static Optional<AssetView> decodeAsset(String assetId, Function function, String returned) {
        List<Type> v = decode(function, returned);
        int state = uint(v.get(0)).intValueExact();
        if (state == 0) {
            return Optional.empty();
        }
        return Optional.of(new AssetView(assetId, str(v.get(1)), uint(v.get(2)).longValueExact(),
                AssetView.AssetState.values()[state - 1], emptyToNull(str(v.get(3))), emptyToNull(str(v.get(4)))));
    }

    static long decodeUint(Function function, String returned) {
        return uint(decode(function, returned).get(0)).longValueExact();
    }

    static String decodeAddress(Function function, String returned) {
        return ((Address) decode(function, returned).get(0)).getValue();
    }

    /** Decodes a {@code Performed} log from its topics and data. */
    @SuppressWarnings("rawtypes")
    static Performed decodePerformed(List<String> topics, String data, BigInteger blockNumber, String blockHash,
            String txHash, BigInteger logIndex) {
        if (topics.size() != 4 || !PERFORMED_TOPIC.equals(topics.get(0))) {
            throw new IllegalArgumentException("not a Performed event: " + topics);
        }
        List<Type> v = FunctionReturnDecoder.decode(data, PERFORMED.getNonIndexedParameters());
        LedgerAction action = LedgerAction.values()[Numeric.toBigInt(topics.get(3)).intValueExact()];
        return new Performed(topics.get(1), action, str(v.get(0)), str(v.get(1)), uint(v.get(2)).longValueExact(),
                str(v.get(3)), ((Bool) v.get(4)).getValue(), str(v.get(5)), str(v.get(6)), blockNumber.longValueExact(),
                blockHash, txHash, logIndex.longValueExact());
    }

    /** The topics filter of the Performed events of one key (position 1) or one asset (position 2). */
    static List<String> topics(int position, String topic) {
        String[] t = new String[position + 1];
        t[0] = PERFORMED_TOPIC;
        t[position] = topic;
        return Arrays.asList(t);
    }

    @SuppressWarnings("rawtypes")
    private static BigInteger uint(Type t) {
        return (BigInteger) t.getValue();
    }

    @SuppressWarnings("rawtypes")
    private static String str(Type t) {
        return (String) t.getValue();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
