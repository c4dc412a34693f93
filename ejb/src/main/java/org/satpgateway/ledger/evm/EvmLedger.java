package org.satpgateway.ledger.evm;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerRecord;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.ledger.LedgerUnavailableException;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.ledger.evm.AssetCustodyContract.Outcome;
import org.satpgateway.ledger.evm.AssetCustodyContract.Performed;
import org.satpgateway.ledger.evm.AssetCustodyContract.Status;
import org.satpgateway.ledger.evm.EvmRpc.RpcError;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A ledger connector for an EVM chain (Hardhat, Besu, Geth, ...) holding the organisation's assets in the contract
 * {@code AssetCustody}, of which the gateway's account is the operator. The contract keeps the rules of the reference
 * ledger and records every action's outcome under its key, so the chain itself answers whether an action happened.
 *
 * <p>{@link #perform} first asks the contract for the key's outcome: final (recorded at least {@code confirmations}
 * blocks deep, the recording block counting as one) gives Done or Failed; recorded but shallower, or a transaction
 * sent for the key and not mined, gives {@link LedgerResult.Pending} with {@code <txHash>:<nonce>} (re-broadcasting
 * the same signed bytes if the node lost it). Otherwise it allocates a nonce, signs, journals the signed
 * transaction durably ({@link TxJournal}), broadcasts it and answers Pending, or Done at once when one quick look
 * finds its receipt deep enough. It never waits for blocks. A receipt seen earlier that the chain no longer has
 * (a reorganisation) is logged as a warning and its transaction broadcast again.
 *
 * <p>A node that does not answer within the timeout gives {@link LedgerUnavailableException}, never a Failed result.
 */
public final class EvmLedger implements LedgerConnector {
    private static final Logger LOG = Logger.getLogger(EvmLedger.class.getName());
    /** The gas price is the node's suggestion times this, refreshed at most this often. */
    private static final long GAS_PRICE_FACTOR = 2;
    private static final long GAS_PRICE_TTL_MS = 10_000;

    /** What the connector needs; see {@link EvmLedgerFactory} for the settings they come from. */
    public record Settings(String url, long chainId, String contract, String accountKey, int confirmations,
            Duration timeout, BigInteger gasLimit) {
        @Override
        public String toString() {
            return "EvmLedger.Settings[url=" + url + ", chainId=" + chainId + ", contract=" + contract
                    + ", confirmations=" + confirmations + ", timeout=" + timeout + ", gasLimit=" + gasLimit + "]";
        }
    }

    private final Settings settings;
    private final String network;
    private final GatewayKeyPair proofKey;
    private final MessageCodec codec;
    private final Credentials credentials;
    private final String account;
    private final String contract;
    private final EvmRpc rpc;
    private final TxJournal journal;
    private final NonceAllocator nonces;
    private volatile boolean ready;
    /** Set when a broadcast may not have arrived: the next sender re-broadcasts the journal first. */
    private volatile boolean resync = true;
    private BigInteger gasPrice;
    private long gasPriceAt;

    /**
     * Opens the connector. The node is asked at once (chain id, contract, operator, nonces) when it answers; when it
     * does not, the first call asks again and fails with {@link LedgerUnavailableException} until it does.
     *
     * @param journalDir the folder of the connector's journal ({@code <data>/evm-ledger})
     */
    public EvmLedger(Settings settings, String network, GatewayKeyPair proofKey, MessageCodec codec,
            java.nio.file.Path journalDir) {
        this.settings = settings;
        this.network = network;
        this.proofKey = proofKey;
        this.codec = codec;
        this.credentials = Credentials.create(settings.accountKey());
        this.account = credentials.getAddress();
        this.contract = settings.contract().toLowerCase(Locale.ROOT);
        this.rpc = new EvmRpc(settings.url(), settings.timeout());
        this.journal = new TxJournal(journalDir, settings.chainId(), account, contract);
        this.nonces = NonceAllocator.of(settings.chainId(), account);
        try {
            io(() -> {
                ensureReady();
                return null;
            });
        } catch (LedgerUnavailableException e) {
            LOG.warning("EVM ledger " + network + " at " + settings.url() + " does not answer yet: " + e.getMessage());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The account (address) that signs this connector's transactions. */
    public String account() {
        return account;
    }

    /** The key that signs this connector's proofs: whoever checks a proof needs it. */
    public PublicJwk proofKey() {
        return proofKey.publicJwk();
    }

    /** Checks a proof this connector (or another with the same key) made over a receipt. */
    public static boolean proofHolds(String receipt, String proof, PublicJwk key) {
        return Jws.verifyDetached(receipt.getBytes(StandardCharsets.UTF_8), proof, key).isEmpty();
    }

    // ---- the port ----------------------------------------------------------------------------------------------

    @Override
    public LedgerResult perform(LedgerRequest request) {
        String key = request.idempotencyKey();
        return io(() -> {
            ensureReady();
            Optional<LedgerResult> kept = kept(key);
            if (kept.isPresent()) {
                return kept.get();
            }
            Optional<LedgerResult> onChain = fromChain(key, request.action());
            if (onChain.isPresent()) {
                return onChain.get();
            }
            Optional<TxJournal.Tx> sent = journal.latest(key);
            if (sent.isPresent()) {
                return followUp(request.action(), key, sent.get());
            }
            TxJournal.Tx tx = submit(key, AssetCustodyContract.action(request.action(), request.sessionId(),
                    request.assetId(), request.amount(), request.owner()));
            // one quick look: a node that mines at once (automine) has the receipt already
            Optional<TransactionReceipt> receipt = rpc.receipt(tx.txHash());
            if (receipt.isPresent()) {
                noteMined(tx, receipt.get());
                return fromChain(key, request.action()).orElse(new LedgerResult.Pending(request.action(), tx.reference()));
            }
            return new LedgerResult.Pending(request.action(), tx.reference());
        });
    }

    @Override
    public Optional<LedgerResult> query(String idempotencyKey) {
        return io(() -> {
            ensureReady();
            Optional<LedgerResult> kept = kept(idempotencyKey);
            if (kept.isPresent()) {
                return kept;
            }
            Optional<LedgerResult> onChain = fromChain(idempotencyKey, null);
            if (onChain.isPresent()) {
                return onChain;
            }
            // sent and not mined (or dropped by the node and not sent again yet): the action has started all the same
            Optional<TxJournal.Tx> sent = journal.latest(idempotencyKey);
            if (sent.isPresent()) {
                String action = idempotencyKey.substring(idempotencyKey.lastIndexOf(':') + 1);
                return Optional.of(new LedgerResult.Pending(LedgerAction.fromWireName(action), sent.get().reference()));
            }
            return Optional.empty();
        });
    }

    @Override
    public Map<LedgerAction, LedgerResult> recorded(String sessionId) {
        Map<LedgerAction, LedgerResult> found = new EnumMap<>(LedgerAction.class);
        for (LedgerAction action : LedgerAction.values()) {
            query(action.key(sessionId)).ifPresent(r -> found.put(action, r));
        }
        return found;
    }

    @Override
    public Optional<AssetView> asset(String assetId) {
        return io(() -> {
            ensureReady();
            var f = AssetCustodyContract.asset(assetId);
            return AssetCustodyContract.decodeAsset(assetId, f, view(f));
        });
    }

    @Override
    public Optional<Rejection> transferable(String assetId, String owner, long amount) {
        return AssetView.refusal(asset(assetId), assetId, owner, amount, network);
    }

    /** Every action done on an asset, oldest first, from the contract's events. */
    @Override
    public List<LedgerRecord> history(String assetId) {
        return io(() -> {
            ensureReady();
            List<LedgerRecord> records = new ArrayList<>();
            Map<Long, String> times = new HashMap<>();
            for (Log log : rpc.logs(contract, AssetCustodyContract.topics(2, AssetCustodyContract.assetTopic(assetId)), 0,
                    DefaultBlockParameterName.LATEST)) {
                Performed p = performed(log);
                if (p.done()) {
                    String at = times.get(p.blockNumber());
                    if (at == null) {
                        at = rpc.block(p.blockNumber()).map(b -> Instant.ofEpochSecond(b.getTimestamp().longValueExact()).toString())
                                .orElse("block " + p.blockNumber());
                        times.put(p.blockNumber(), at);
                    }
                    records.add(new LedgerRecord(network, p.action().wireName(), p.sessionId(), p.assetId(), p.amount(),
                            p.owner(), at));
                }
            }
            return records;
        });
    }

    @Override
    public long totalSupply() {
        return io(() -> {
            ensureReady();
            return AssetCustodyContract.decodeUint(AssetCustodyContract.TOTAL_SUPPLY, view(AssetCustodyContract.TOTAL_SUPPLY));
        });
    }

    /**
     * Puts a new asset into the contract's custody and waits for its receipt (set-up of demos and tests); fails when
     * the contract refuses it (the asset exists).
     */
    @Override
    public void issue(String assetId, String owner, long amount) {
        io(() -> {
            ensureReady();
            TxJournal.Tx tx = submit("#issue:" + assetId + ":" + System.nanoTime(), AssetCustodyContract.issue(assetId, owner, amount));
            long deadline = System.nanoTime() + settings.timeout().toNanos() * 3;
            while (System.nanoTime() < deadline) {
                Optional<TransactionReceipt> r = rpc.receipt(tx.txHash());
                if (r.isPresent()) {
                    if (!r.get().isStatusOK()) {
                        throw new IllegalStateException("the contract refused to issue " + assetId + " (does it exist?)");
                    }
                    noteMined(tx, r.get());
                    return null;
                }
                Thread.sleep(25);
            }
            throw new LedgerUnavailableException("no receipt for the issue of " + assetId + " (" + tx.txHash() + ")", null);
        });
    }

    @Override
    public void close() {
        rpc.close();
        journal.close();
    }

    // ---- what the chain holds ----------------------------------------------------------------------------------

    /**
     * The key's outcome on the chain: final (Done/Failed, kept in the journal), Pending when recorded but not deep
     * enough, or empty when the contract has no outcome for the key.
     */
    private Optional<LedgerResult> fromChain(String key, LedgerAction expected) throws IOException, RpcError, SQLException {
        var f = AssetCustodyContract.outcome(key);
        Outcome o = AssetCustodyContract.decodeOutcome(f, view(f));
        if (o.status() == Status.NONE) {
            return Optional.empty();
        }
        long depth = rpc.blockNumber() - o.blockNumber() + 1;
        Performed event = event(key, o.blockNumber());
        Optional<TxJournal.Tx> sent = journal.latest(key);
        if (sent.isPresent() && event != null && sent.get().txHash().equalsIgnoreCase(event.txHash())
                && sent.get().blockHash() != null && !sent.get().blockHash().equalsIgnoreCase(event.blockHash())) {
            LOG.warning("EVM ledger " + network + ": transaction " + event.txHash() + " of " + key + " seen in block "
                    + sent.get().blockHash() + " is now in block " + event.blockHash() + " (" + event.blockNumber()
                    + "): the chain was reorganised");
            journal.mined(sent.get().nonce(), event.blockNumber(), event.blockHash());
        }
        if (depth < settings.confirmations() || event == null) {
            String reference = event != null ? event.txHash() + ":" + sent.filter(t -> t.txHash().equalsIgnoreCase(event.txHash()))
                    .map(t -> Long.toString(t.nonce())).orElse("?") : sent.map(TxJournal.Tx::reference).orElse("block " + o.blockNumber());
            return Optional.of(new LedgerResult.Pending(o.action(), reference));
        }
        LedgerAction action = o.action();
        if (expected != null && expected != action) {
            throw new IllegalStateException("the key " + key + " holds a " + action + " on the chain, not a " + expected);
        }
        TxJournal.Result result;
        if (o.status() == Status.DONE) {
            EvmReceipt record = new EvmReceipt(network, action.wireName(), o.sessionId(), o.assetId(), o.amount(), o.owner(),
                    settings.chainId(), contract, event.txHash(), event.blockNumber(), event.blockHash());
            String receipt = codec.canonicalJson(record);
            result = new TxJournal.Result(action.wireName(), "DONE", receipt,
                    Jws.signDetached(receipt.getBytes(StandardCharsets.UTF_8), proofKey));
        } else {
            result = new TxJournal.Result(action.wireName(), "FAILED",
                    codec.canonicalJson(Map.of("errorCode", o.errorCode(), "reason", o.reason())), "-");
        }
        return Optional.of(toResult(journal.keep(key, result)));
    }

    private Optional<LedgerResult> kept(String key) throws SQLException {
        return journal.result(key).map(this::toResult);
    }

    @SuppressWarnings("unchecked")
    private LedgerResult toResult(TxJournal.Result r) {
        LedgerAction action = LedgerAction.fromWireName(r.action());
        if ("DONE".equals(r.outcome())) {
            return new LedgerResult.Done(action, r.receipt(), r.proof());
        }
        Map<String, Object> failure = codec.read(r.receipt(), Map.class);
        return new LedgerResult.Failed(action, (String) failure.get("errorCode"), (String) failure.get("reason"));
    }

    /** The Performed event of a key in the block that recorded it, or null when the node has not got it (yet). */
    private Performed event(String key, long block) throws IOException, RpcError {
        List<Log> logs = rpc.logs(contract, AssetCustodyContract.topics(1, AssetCustodyContract.keyTopic(key)), block,
                DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
        return logs.isEmpty() ? null : performed(logs.get(0));
    }

    private static Performed performed(Log log) {
        return AssetCustodyContract.decodePerformed(log.getTopics(), log.getData(), log.getBlockNumber(),
                log.getBlockHash(), log.getTransactionHash(), log.getLogIndex());
    }

    /**
     * A transaction was sent for the key and the contract has no outcome for it: still in the node's pool, or mined
     * just now, or lost (the node restarted, or the block it was in is no longer canonical): then it goes out again.
     */
    private LedgerResult followUp(LedgerAction action, String key, TxJournal.Tx tx) throws Exception {
        Optional<TransactionReceipt> receipt = rpc.receipt(tx.txHash());
        if (receipt.isPresent()) {
            if (!receipt.get().isStatusOK()) {
                throw new LedgerUnavailableException("transaction " + tx.txHash() + " of " + key
                        + " was reverted by the contract (is " + account + " its operator?)", null);
            }
            noteMined(tx, receipt.get());
            return fromChain(key, action).orElse(new LedgerResult.Pending(action, tx.reference()));
        }
        if (!rpc.known(tx.txHash())) {
            if (tx.blockHash() != null) {
                LOG.warning("EVM ledger " + network + ": transaction " + tx.txHash() + " of " + key + " was mined in block "
                        + tx.blockNumber() + " (" + tx.blockHash() + "), which is no longer on the chain: broadcasting it again");
                journal.mined(tx.nonce(), null, null);
            } else {
                LOG.info("EVM ledger " + network + ": the node does not know transaction " + tx.txHash() + " of " + key
                        + ": broadcasting it again");
            }
            resync = true;
            withLock(() -> {
                rebroadcast();
                return null;
            });
        }
        return new LedgerResult.Pending(action, tx.reference());
    }

    private void noteMined(TxJournal.Tx tx, TransactionReceipt receipt) throws SQLException {
        if (tx.blockHash() == null || !tx.blockHash().equalsIgnoreCase(receipt.getBlockHash())) {
            journal.mined(tx.nonce(), receipt.getBlockNumber().longValueExact(), receipt.getBlockHash());
        }
    }

    // ---- sending -----------------------------------------------------------------------------------------------

    /**
     * Signs a call to the contract with the next nonce, journals it and broadcasts it, all under the account's lock
     * so that transactions reach the node in nonce order. A broadcast without an answer keeps its nonce: the
     * journaled transaction goes out again later.
     */
    private TxJournal.Tx submit(String key, String data) throws Exception {
        return withLock(() -> {
            if (resync) {
                rebroadcast();
            }
            if (!key.startsWith("#")) {
                Optional<TxJournal.Tx> already = journal.latest(key);
                if (already.isPresent()) {
                    return already.get(); // a concurrent call with the same key sent it meanwhile
                }
            }
            BigInteger price = gasPrice();
            long nonce = nonces.allocate();
            String raw;
            String hash;
            try {
                RawTransaction tx = RawTransaction.createTransaction(BigInteger.valueOf(nonce), price, settings.gasLimit(),
                        contract, BigInteger.ZERO, data);
                raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, settings.chainId(), credentials));
                hash = Hash.sha3(raw);
                journal.add(nonce, key, hash, raw);
            } catch (SQLException | RuntimeException e) {
                nonces.release(nonce);
                throw e;
            }
            TxJournal.Tx tx = new TxJournal.Tx(nonce, key, hash, raw, null, null);
            broadcast(tx, true);
            return tx;
        });
    }

    /**
     * Sends a journaled transaction. Known to the node already, or mined: fine. A nonce the chain has used for
     * another transaction: this one can never be mined, so it leaves the journal and the allocator starts again from
     * the chain. No answer, or a nonce gap: the journal goes out again in order.
     */
    private void broadcast(TxJournal.Tx tx, boolean fresh) throws Exception {
        try {
            rpc.sendRaw(tx.raw());
        } catch (IOException e) {
            resync = true;
            throw new LedgerUnavailableException("EVM ledger " + network + ": no answer to the broadcast of " + tx.txHash()
                    + " (nonce " + tx.nonce() + "); it is journaled and goes out again", e);
        } catch (RpcError e) {
            if (e.says("already known") || e.says("known transaction") || e.says("already imported")) {
                return;
            }
            if (e.says("nonce too low") || e.says("nonce is too low")) {
                if (rpc.receipt(tx.txHash()).isPresent()) {
                    return; // mined already
                }
                long chainNonce = rpc.transactionCount(account, DefaultBlockParameterName.PENDING);
                LOG.warning("EVM ledger " + network + ": nonce " + tx.nonce() + " of " + account + " was used by another"
                        + " transaction; dropping " + tx.txHash() + " of " + tx.key() + " and starting again from nonce " + chainNonce);
                journal.remove(tx.nonce());
                nonces.reset(Math.max(chainNonce, journal.highestNonce() + 1));
                throw new LedgerUnavailableException("EVM ledger " + network + ": " + e.getMessage(), e);
            }
            if (fresh && (e.says("nonce too high") || e.says("nonce is too high"))) {
                resync = true;
                rebroadcast(); // fills the gap, this transaction included
                return;
            }
            resync = true;
            throw new LedgerUnavailableException("EVM ledger " + network + " refused " + tx.txHash() + " (nonce " + tx.nonce()
                    + "): " + e.getMessage(), e);
        }
    }

    /** Sends again, in nonce order, every journaled transaction the chain has not mined. Under the lock. */
    private void rebroadcast() throws Exception {
        long mined = rpc.transactionCount(account, DefaultBlockParameterName.LATEST);
        for (TxJournal.Tx tx : journal.from(mined)) {
            broadcast(tx, false);
        }
        long pending = rpc.transactionCount(account, DefaultBlockParameterName.PENDING);
        nonces.advance(pending, journal.highestNonce());
        resync = false;
    }

    private BigInteger gasPrice() throws IOException, RpcError {
        long now = System.nanoTime() / 1_000_000;
        if (gasPrice == null || now - gasPriceAt > GAS_PRICE_TTL_MS) {
            gasPrice = rpc.gasPrice().multiply(BigInteger.valueOf(GAS_PRICE_FACTOR));
            gasPriceAt = now;
        }
        return gasPrice;
    }

    private <T> T withLock(Work<T> work) throws Exception {
        if (!nonces.tryLock(settings.timeout().toMillis())) {
            throw new LedgerUnavailableException("EVM ledger " + network + ": the account " + account
                    + " is busy sending (no turn within " + settings.timeout().toMillis() + " ms)", null);
        }
        try {
            return work.run();
        } finally {
            nonces.unlock();
        }
    }

    // ---- opening -----------------------------------------------------------------------------------------------

    private void ensureReady() throws Exception {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            long chainId = io(rpc::chainId);
            if (chainId != settings.chainId()) {
                throw new IllegalStateException("gateway.ledger.chain-id is " + settings.chainId() + " but the node at "
                        + settings.url() + " serves chain " + chainId);
            }
            String code = io(() -> rpc.code(contract));
            if (code == null || code.length() <= 2) {
                throw new IllegalStateException("gateway.ledger.contract: no contract at " + contract + " on chain " + chainId);
            }
            String operator = AssetCustodyContract.decodeAddress(AssetCustodyContract.OPERATOR, view(AssetCustodyContract.OPERATOR));
            if (!operator.equalsIgnoreCase(account)) {
                throw new IllegalStateException("gateway.ledger.account-key: the account " + account
                        + " is not the operator of the contract " + contract + " (" + operator + " is)");
            }
            withLock(() -> {
                nonces.advance(rpc.transactionCount(account, DefaultBlockParameterName.PENDING), journal.highestNonce());
                rebroadcast();
                return null;
            });
            ready = true;
            LOG.info("EVM ledger " + network + ": chain " + chainId + " at " + settings.url() + ", contract " + contract
                    + ", account " + account + ", next nonce " + nonces.peek() + ", " + settings.confirmations()
                    + " confirmation(s)");
        }
    }

    private String view(org.web3j.abi.datatypes.Function f) throws IOException, RpcError {
        return rpc.call(account, contract, org.web3j.abi.FunctionEncoder.encode(f));
    }

    private interface Work<T> {
        T run() throws Exception;
    }

    /** Runs a piece of work against the node: no answer becomes {@link LedgerUnavailableException}. */
    private <T> T io(Work<T> work) {
        try {
            return work.run();
        } catch (LedgerUnavailableException | IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (IOException e) {
            throw new LedgerUnavailableException("EVM ledger " + network + " at " + settings.url() + " does not answer: "
                    + e.getMessage(), e);
        } catch (RpcError e) {
            throw new LedgerUnavailableException("EVM ledger " + network + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new LedgerUnavailableException("EVM ledger " + network + ": its journal: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("EVM ledger " + network + ": interrupted", e);
        } catch (Exception e) {
            throw new LedgerUnavailableException("EVM ledger " + network + ": " + e, e);
        }
    }
}
