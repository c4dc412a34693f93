package org.satpgateway.ledger.evm;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import org.satpgateway.ledger.evm.EvmRpc.RpcError;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Deploys the contract {@code AssetCustody} (the checked-in build) with an account that becomes its operator: for
 * the launcher, demos and tests. Deploy before a connector signs with the same account, or with another account.
 */
public final class AssetCustodyDeployer {
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(6_000_000);

    private AssetCustodyDeployer() {}

    /** Deploys the contract on the chain at {@code url} with the account of {@code accountKey}; returns its address. */
    public static String deploy(String url, long chainId, String accountKey) {
        Credentials credentials = Credentials.create(accountKey);
        try (EvmRpc rpc = new EvmRpc(url, Duration.ofSeconds(30))) {
            if (rpc.chainId() != chainId) {
                throw new IllegalStateException("the node at " + url + " serves chain " + rpc.chainId() + ", not " + chainId);
            }
            long nonce = rpc.transactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING);
            RawTransaction tx = RawTransaction.createContractTransaction(BigInteger.valueOf(nonce),
                    rpc.gasPrice().multiply(BigInteger.TWO), GAS_LIMIT, BigInteger.ZERO, "0x" + AssetCustodyContract.bytecode());
            String hash = rpc.sendRaw(Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, credentials)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<TransactionReceipt> receipt = rpc.receipt(hash);
                if (receipt.isPresent()) {
                    if (!receipt.get().isStatusOK() || receipt.get().getContractAddress() == null) {
                        throw new IllegalStateException("the deployment " + hash + " failed: " + receipt.get());
                    }
                    return receipt.get().getContractAddress();
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("no receipt for the deployment " + hash + " within 60 s");
        } catch (IOException | RpcError e) {
            throw new IllegalStateException("cannot deploy AssetCustody at " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying AssetCustody", e);
        }
    }
}
