package org.satpgateway.ledger.evm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerConnectorFactory;
import org.satpgateway.core.ledger.LedgerEnvironment;
import org.satpgateway.ejb.config.KeyFiles;

/**
 * Opens the EVM ledger connector ({@code gateway.ledger.kind=evm}). Its settings:
 * <ul>
 *   <li>{@code gateway.ledger.url}: the node's JSON-RPC endpoint, e.g. {@code http://127.0.0.1:8545} (required);</li>
 *   <li>{@code gateway.ledger.chain-id}: the chain id the node must serve, checked when the connector first reaches
 *       it (required; transactions are signed for it, EIP-155);</li>
 *   <li>{@code gateway.ledger.contract}: the address of the deployed {@code AssetCustody} contract (required; see
 *       {@link AssetCustodyDeployer});</li>
 *   <li>{@code gateway.ledger.account-key}: the hex private key of the gateway's account, the contract's operator;
 *       a secret: give it as a password alias or in the environment, never in a settings file. Or
 *       {@code gateway.ledger.account-key-file}: a file (owner-only) holding it;</li>
 *   <li>{@code gateway.ledger.confirmations}: how many blocks make an action final, the block that records it
 *       counting as one (default 1);</li>
 *   <li>{@code gateway.ledger.timeout-ms}: how long one call to the node may take before the ledger counts as
 *       unavailable (default 10000);</li>
 *   <li>{@code gateway.ledger.gas-limit}: the gas limit of each transaction (default 1000000).</li>
 * </ul>
 * The connector's journal (signed transactions, final results) is {@code <data>/evm-ledger/}; its proofs are signed
 * with the key {@code <data>/ledger.key.json}, made on first start.
 */
public final class EvmLedgerFactory implements LedgerConnectorFactory {
    public static final String KIND = "evm";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public LedgerConnector open(LedgerEnvironment env) {
        return new EvmLedger(settings(env), env.networkId(), KeyFiles.loadOrCreate(env.dataDir(), "ledger"), env.codec(),
                env.dataDir().resolve("evm-ledger"));
    }

    /** The connector's settings from the environment; fails naming the setting that is missing or wrong. */
    static EvmLedger.Settings settings(LedgerEnvironment env) {
        String key = env.setting("account-key").filter(s -> !s.isBlank()).orElseGet(() -> {
            Path file = Path.of(env.setting("account-key-file").filter(s -> !s.isBlank()).orElseThrow(() ->
                    new IllegalStateException("the ledger connector needs the setting gateway.ledger.account-key"
                            + " or gateway.ledger.account-key-file")));
            try {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("gateway.ledger.account-key-file: cannot read " + file, e);
            }
        });
        if (!key.matches("(0x)?[0-9a-fA-F]{64}")) {
            throw new IllegalStateException("gateway.ledger.account-key is not a hex private key of 32 bytes");
        }
        String contract = env.required("contract");
        if (!contract.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalStateException("gateway.ledger.contract is not an address (0x and 40 hex digits): " + contract);
        }
        int confirmations = number(env, "confirmations", 1);
        if (confirmations < 1) {
            throw new IllegalStateException("gateway.ledger.confirmations must be at least 1");
        }
        return new EvmLedger.Settings(env.required("url"), number(env, "chain-id", -1), contract, key, confirmations,
                Duration.ofMillis(number(env, "timeout-ms", 10_000)), BigInteger.valueOf(number(env, "gas-limit", 1_000_000)));
    }

    private static int number(LedgerEnvironment env, String name, int fallback) {
        String value = fallback < 0 ? env.required(name) : env.setting(name).filter(s -> !s.isBlank()).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("gateway.ledger." + name + " is not a number: " + value);
        }
    }
}
