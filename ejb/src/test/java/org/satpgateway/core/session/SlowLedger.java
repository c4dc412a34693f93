package org.satpgateway.core.session;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerRecord;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;

/**
 * A chain in front of a {@link FakeLedger}: an action takes effect when it is first submitted (it is mined), but
 * counts as final only after the ledger was asked {@code confirmations} more times (blocks on top of it). Until then
 * {@link #perform} and {@link #query} answer Pending, as a connector that waits for confirmations does. Its state
 * outlives a gateway's crash, like a real chain.
 */
final class SlowLedger implements LedgerConnector {
    private final FakeLedger chain;
    private final int confirmations;
    private final Map<String, Integer> asked = new HashMap<>();
    int pendingAnswers;

    SlowLedger(FakeLedger chain, int confirmations) {
        this.chain = chain;
        this.confirmations = confirmations;
    }

    @Override
    public synchronized LedgerResult perform(LedgerRequest request) {
        String key = request.idempotencyKey();
        LedgerResult mined = chain.perform(request);
        int n = asked.merge(key, 1, Integer::sum);
        if (n <= confirmations) {
            pendingAnswers++;
            return new LedgerResult.Pending(request.action(), "tx:" + key + ":" + chain.name);
        }
        return mined;
    }

    @Override
    public synchronized Optional<LedgerResult> query(String key) {
        int n = asked.getOrDefault(key, 0);
        if (n == 0) {
            return Optional.empty();
        }
        LedgerResult mined = chain.query(key).orElseThrow();
        return Optional.of(n > confirmations ? mined : new LedgerResult.Pending(mined.action(), "tx:" + key + ":" + chain.name));
    }

    @Override
    public Optional<AssetView> asset(String assetId) {
        return chain.asset(assetId);
    }

    @Override
    public List<LedgerRecord> history(String assetId) {
        return chain.history(assetId);
    }

    @Override
    public long totalSupply() {
        return chain.totalSupply();
    }
}
