package org.satpgateway.core.session;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;

/**
 * An in-memory ledger for the core's tests: idempotent by (session, action), and it keeps its state when a
 * gateway "crashes", like a real ledger would. Counts what it really did, so tests can prove nothing happened twice.
 */
final class FakeLedger implements LedgerConnector {
    enum State { FREE, LOCKED, BURNED }

    static final class Asset {
        String owner;
        long amount;
        State state = State.FREE;
        String lockedBy;

        Asset(String owner, long amount) {
            this.owner = owner;
            this.amount = amount;
        }
    }

    final String name;
    final Map<String, Asset> assets = new LinkedHashMap<>();
    final Map<String, LedgerResult> performed = new HashMap<>();
    int mints;
    int burns;
    int locks;

    FakeLedger(String name) {
        this.name = name;
    }

    public void issue(String assetId, String owner, long amount) {
        assets.put(assetId, new Asset(owner, amount));
    }

    static String minted(String sessionId) {
        return "minted:" + sessionId;
    }

    /** An action this ledger refuses once without taking or recording it (a node that was down, a reverted transaction). */
    LedgerAction refuseOnce;

    @Override
    public synchronized LedgerResult perform(LedgerRequest r) {
        LedgerResult earlier = performed.get(r.idempotencyKey());
        if (earlier != null) {
            return earlier;
        }
        if (r.action() == refuseOnce) {
            refuseOnce = null;
            return new LedgerResult.Failed(r.action(), "err_0.2.8", "not taken this time");
        }
        LedgerResult result = act(r);
        performed.put(r.idempotencyKey(), result);
        return result;
    }

    @Override
    public synchronized Optional<LedgerResult> query(String key) {
        return Optional.ofNullable(performed.get(key));
    }

    private LedgerResult act(LedgerRequest r) {
        Asset asset = r.action() == LedgerAction.CREATE || r.action() == LedgerAction.ASSIGN
                || (r.action() == LedgerAction.EXTINGUISH && assets.containsKey(minted(r.sessionId())))
                ? assets.get(minted(r.sessionId()))
                : assets.get(r.assetId());
        switch (r.action()) {
            case LOCK -> {
                if (asset == null) {
                    return new LedgerResult.Failed(r.action(), "err_2.2.7", "asset not found");
                }
                if (asset.state != State.FREE) {
                    return new LedgerResult.Failed(r.action(), "err_2.2.8", "asset is " + asset.state);
                }
                asset.state = State.LOCKED;
                asset.lockedBy = r.sessionId();
                locks++;
            }
            case UNLOCK -> {
                if (asset != null && asset.state == State.LOCKED && r.sessionId().equals(asset.lockedBy)) {
                    asset.state = State.FREE;
                    asset.lockedBy = null;
                } else if (performed.get(LedgerAction.LOCK.key(r.sessionId())) instanceof LedgerResult.Done) {
                    return new LedgerResult.Failed(r.action(), "err_0.2.8", "the asset is " + asset.state
                            + ", no longer locked by this session");
                }
            }
            case EXTINGUISH -> {
                if (asset == null && !assets.containsKey(r.assetId())) {
                    // undo of a mint that never happened: nothing to destroy
                    break;
                }
                if (performed.get(LedgerAction.ASSIGN.key(r.sessionId())) instanceof LedgerResult.Done) {
                    return new LedgerResult.Failed(r.action(), "err_0.2.8", "assigned to its beneficiary: not ours to burn");
                }
                if (asset == null || asset.state == State.BURNED
                        || (asset.state == State.LOCKED && !r.sessionId().equals(asset.lockedBy))) {
                    return new LedgerResult.Failed(r.action(), "err_0.2.8", "nothing of this session to burn");
                }
                asset.state = State.BURNED;
                burns++;
            }
            case CREATE -> {
                assets.put(minted(r.sessionId()), new Asset(r.owner(), r.amount()));
                mints++;
            }
            case ASSIGN -> {
                if (asset == null || asset.state != State.FREE) {
                    return new LedgerResult.Failed(r.action(), "err_0.2.8", "nothing minted to assign");
                }
                asset.owner = r.owner();
            }
            default -> throw new IllegalStateException();
        }
        String receipt = name + ":" + r.idempotencyKey();
        return new LedgerResult.Done(r.action(), receipt, "signed(" + receipt + ")");
    }

    /** How much of the transferred asset is live (not burned) on this ledger. */
    long live() {
        return assets.values().stream().filter(a -> a.state != State.BURNED).mapToLong(a -> a.amount).sum();
    }

    @Override
    public Optional<org.satpgateway.core.ledger.AssetView> asset(String assetId) {
        Asset a = assets.get(assetId);
        return a == null ? Optional.empty() : Optional.of(new org.satpgateway.core.ledger.AssetView(assetId, a.owner,
                a.amount, org.satpgateway.core.ledger.AssetView.AssetState.valueOf(a.state.name()), a.lockedBy, null));
    }

    @Override
    public java.util.List<org.satpgateway.core.ledger.LedgerRecord> history(String assetId) {
        return java.util.List.of();
    }

    @Override
    public long totalSupply() {
        return assets.values().stream().filter(a -> a.state != State.BURNED).mapToLong(a -> a.amount).sum();
    }
}
