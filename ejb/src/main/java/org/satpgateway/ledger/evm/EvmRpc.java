package org.satpgateway.ledger.evm;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.core.methods.response.EthGasPrice;
import org.web3j.protocol.core.methods.response.EthGetCode;
import org.web3j.protocol.core.methods.response.EthGetTransactionCount;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.EthTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * The JSON-RPC calls the connector makes, over web3j's HTTP transport with one timeout for the whole call. An
 * {@link IOException} means the node did not answer (unreachable, slow): whether a broadcast arrived is unknown. An
 * {@link RpcError} is the node's definite answer refusing the call.
 */
final class EvmRpc implements AutoCloseable {
    /** The node refused a call (a JSON-RPC error object). */
    static final class RpcError extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        RpcError(String method, Response.Error error) {
            super(method + ": " + error.getMessage() + " (" + error.getCode() + ")");
            this.code = error.getCode();
        }

        int code() {
            return code;
        }

        /** Whether the message says something, case-insensitively. */
        boolean says(String words) {
            return getMessage().toLowerCase(java.util.Locale.ROOT).contains(words);
        }
    }

    private final OkHttpClient client;
    private final HttpService service;

    EvmRpc(String url, Duration timeout) {
        this.client = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .retryOnConnectionFailure(false)
                .build();
        this.service = new HttpService(url, client);
    }

    private <T extends Response<?>> T call(String method, List<?> params, Class<T> type) throws IOException, RpcError {
        T response = new Request<>(method, params, service, type).send();
        if (response.hasError()) {
            throw new RpcError(method, response.getError());
        }
        return response;
    }

    long chainId() throws IOException, RpcError {
        return call("eth_chainId", List.of(), EthChainId.class).getChainId().longValueExact();
    }

    long blockNumber() throws IOException, RpcError {
        return call("eth_blockNumber", List.of(), EthBlockNumber.class).getBlockNumber().longValueExact();
    }

    /** The count of the account's transactions at {@code tag} ("latest": mined; "pending": with the node's pool). */
    long transactionCount(String account, DefaultBlockParameterName tag) throws IOException, RpcError {
        return call("eth_getTransactionCount", List.of(account, tag.getValue()), EthGetTransactionCount.class)
                .getTransactionCount().longValueExact();
    }

    BigInteger gasPrice() throws IOException, RpcError {
        return call("eth_gasPrice", List.of(), EthGasPrice.class).getGasPrice();
    }

    String code(String address) throws IOException, RpcError {
        return call("eth_getCode", List.of(address, "latest"), EthGetCode.class).getCode();
    }

    /** An {@code eth_call} at the latest block; the returned hex. */
    String call(String from, String to, String data) throws IOException, RpcError {
        return call("eth_call", List.of(Transaction.createEthCallTransaction(from, to, data), "latest"), EthCall.class)
                .getValue();
    }

    /** Broadcasts a signed transaction; returns its hash. */
    String sendRaw(String signedHex) throws IOException, RpcError {
        return call("eth_sendRawTransaction", List.of(signedHex), EthSendTransaction.class).getTransactionHash();
    }

    Optional<TransactionReceipt> receipt(String txHash) throws IOException, RpcError {
        return call("eth_getTransactionReceipt", List.of(txHash), EthGetTransactionReceipt.class).getTransactionReceipt();
    }

    /** Whether the node knows the transaction (mined or in its pool). */
    boolean known(String txHash) throws IOException, RpcError {
        return call("eth_getTransactionByHash", List.of(txHash), EthTransaction.class).getTransaction().isPresent();
    }

    /** The block (without transactions), or empty when the node has none with that number. */
    Optional<EthBlock.Block> block(long number) throws IOException, RpcError {
        return Optional.ofNullable(call("eth_getBlockByNumber",
                List.of(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)).getValue(), false), EthBlock.class).getBlock());
    }

    /** The logs of {@code address} matching {@code topics} (null: any) between two blocks. */
    List<Log> logs(String address, List<String> topics, long fromBlock, DefaultBlockParameter toBlock)
            throws IOException, RpcError {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)), toBlock, address);
        for (String t : topics) {
            if (t == null) {
                filter.addNullTopic();
            } else {
                filter.addSingleTopic(t);
            }
        }
        List<Log> logs = new ArrayList<>();
        for (EthLog.LogResult<?> r : call("eth_getLogs", List.of(filter), EthLog.class).getLogs()) {
            logs.add((Log) r.get());
        }
        return logs;
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
