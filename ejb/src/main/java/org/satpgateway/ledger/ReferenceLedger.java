package org.satpgateway.ledger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.Jws;
import org.satpgateway.core.ledger.AssetView;
import org.satpgateway.core.ledger.LedgerAction;
import org.satpgateway.core.ledger.LedgerRecord;
import org.satpgateway.core.ledger.LedgerUnavailableException;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerRequest;
import org.satpgateway.core.ledger.LedgerResult;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.ledger.AssetView.AssetState;

/**
 * A ledger in its own tables that commits on its own, like a real one: {@link #perform} is one local transaction
 * that changes the asset and stores the action's result under its idempotency key, so that the same request
 * returns the same result without acting twice, and a crash after it returns leaves the action done.
 *
 * <p>Source-ledger actions (lock, unlock, extinguish) act on an issued asset; recipient-ledger actions (create,
 * assign, and extinguish of what a session created) act on the asset a session created. Undo actions succeed
 * without effect when what they undo never happened ({@link LedgerConnector}).
 */
public final class ReferenceLedger implements LedgerConnector {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS ledger_asset (
              asset_id VARCHAR(200) PRIMARY KEY, owner VARCHAR(200) NOT NULL, amount BIGINT NOT NULL,
              state VARCHAR(10) NOT NULL, locked_by VARCHAR(64), created_by VARCHAR(64));
            CREATE TABLE IF NOT EXISTS ledger_action (
              idempotency_key VARCHAR(100) PRIMARY KEY, session_id VARCHAR(64) NOT NULL, action VARCHAR(20) NOT NULL,
              asset_id VARCHAR(200) NOT NULL, outcome VARCHAR(10) NOT NULL, receipt VARCHAR(4000) NOT NULL,
              proof VARCHAR(4000) NOT NULL, seq BIGINT NOT NULL);
            CREATE INDEX IF NOT EXISTS ledger_action_asset ON ledger_action(asset_id, seq);
            CREATE INDEX IF NOT EXISTS ledger_action_session ON ledger_action(session_id)
            """;

    private final DataSource dataSource;
    private final String network;
    private final GatewayKeyPair key;
    private final MessageCodec codec;
    private final Clock clock;

    public ReferenceLedger(DataSource dataSource, String network, GatewayKeyPair key, MessageCodec codec, Clock clock) {
        this.dataSource = dataSource;
        this.network = network;
        this.key = key;
        this.codec = codec;
        this.clock = clock;
    }

    /** Closes the connection pool the ledger was opened with ({@link ReferenceLedgerFactory}). */
    @Override
    public void close() {
        if (dataSource instanceof org.h2.jdbcx.JdbcConnectionPool pool) {
            pool.dispose();
        }
    }

    /** Creates the ledger's tables if they do not exist. */
    public ReferenceLedger createSchema() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String ddl : SCHEMA.split(";")) {
                s.execute(ddl);
            }
            return this;
        } catch (SQLException e) {
            throw new LedgerUnavailableException("cannot create the reference ledger's tables", e);
        }
    }

    /** The key that signs this ledger's proofs: whoever checks a proof needs it. */
    public PublicJwk proofKey() {
        return key.publicJwk();
    }

    /** Puts a new asset on the ledger (set-up of the embedded default and of tests). */
    @Override
    public void issue(String assetId, String owner, long amount) {
        inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO ledger_asset(asset_id, owner, amount, state) VALUES (?, ?, ?, 'FREE')")) {
                p.setString(1, assetId);
                p.setString(2, owner);
                p.setLong(3, amount);
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public LedgerResult perform(LedgerRequest request) {
        try {
            return inTransaction(c -> {
                Optional<LedgerResult> earlier = stored(c, request.idempotencyKey());
                return earlier.isPresent() ? earlier.get() : act(c, request);
            });
        } catch (LedgerUnavailableException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                // a concurrent call with the same key won the insert: its result is the result
                return query(request.idempotencyKey()).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    @Override
    public Optional<LedgerResult> query(String idempotencyKey) {
        return inTransaction(c -> stored(c, idempotencyKey));
    }

    /** Every action of a session in one query (the gateway asks it before every step of an unfinished session). */
    @Override
    public Map<LedgerAction, LedgerResult> recorded(String sessionId) {
        return inTransaction(c -> {
            Map<LedgerAction, LedgerResult> found = new EnumMap<>(LedgerAction.class);
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT action, outcome, receipt, proof FROM ledger_action WHERE session_id = ?")) {
                p.setString(1, sessionId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        LedgerResult result = result(r);
                        found.put(result.action(), result);
                    }
                }
            }
            return found;
        });
    }

    /** The asset as the ledger holds it now. */
    @Override
    public Optional<AssetView> asset(String assetId) {
        return inTransaction(c -> find(c, assetId, false));
    }

    @Override
    public Optional<Rejection> transferable(String assetId, String owner, long amount) {
        return AssetView.refusal(asset(assetId), assetId, owner, amount, network);
    }

    /** Every action on an asset, oldest first, as the signed records the ledger keeps. */
    @Override
    public List<LedgerRecord> history(String assetId) {
        return inTransaction(c -> {
            List<LedgerRecord> records = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT receipt FROM ledger_action WHERE asset_id = ? AND outcome = 'DONE' ORDER BY seq")) {
                p.setString(1, assetId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        records.add(codec.read(r.getString(1), LedgerRecord.class));
                    }
                }
            }
            return records;
        });
    }

    /** The amount of every asset that is not burned. */
    @Override
    public long totalSupply() {
        return inTransaction(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT COALESCE(SUM(amount), 0) FROM ledger_asset WHERE state <> 'BURNED'")) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** Checks a proof this ledger (or another with the same key) made over a receipt. */
    public static boolean proofHolds(String receipt, String proof, PublicJwk ledgerKey) {
        return Jws.verifyDetached(receipt.getBytes(StandardCharsets.UTF_8), proof, ledgerKey).isEmpty();
    }

    // ---- the actions -------------------------------------------------------------------------------------------

    private LedgerResult act(Connection c, LedgerRequest r) throws SQLException {
        String sid = r.sessionId();
        Optional<AssetView> found = find(c, r.assetId(), true);
        // an undo recorded first refuses the action it undoes when that comes later, so that a late lock or create
        // never brings back what a rollback undid
        if (r.action() == LedgerAction.LOCK && (stored(c, LedgerAction.UNLOCK.key(sid)).isPresent()
                || stored(c, LedgerAction.EXTINGUISH.key(sid)).isPresent())) {
            return failed(c, r, SatpError.LEDGER_FAILURE, "session " + sid + " already undid its lock of " + r.assetId());
        }
        if (r.action() == LedgerAction.CREATE && stored(c, LedgerAction.EXTINGUISH.key(sid)).isPresent()) {
            return failed(c, r, SatpError.LEDGER_FAILURE, "session " + sid + " already destroyed what it would create");
        }
        switch (r.action()) {
            case LOCK -> {
                if (found.isEmpty()) {
                    return failed(c, r, SatpError.ASSET_NOT_FOUND, "no asset " + r.assetId());
                }
                AssetView a = found.get();
                if (a.state() != AssetState.FREE) {
                    return failed(c, r, SatpError.ASSET_ALREADY_LOCKED, "asset " + r.assetId() + " is " + a.state());
                }
                if (!a.owner().equals(r.owner()) || a.amount() != r.amount()) {
                    return failed(c, r, SatpError.ASSET_NOT_FOUND, "asset " + r.assetId() + " is not " + r.amount() + " held by " + r.owner());
                }
                update(c, r.assetId(), a.owner(), AssetState.LOCKED, sid);
            }
            case UNLOCK -> {
                if (found.isPresent() && found.get().state() == AssetState.LOCKED && sid.equals(found.get().lockedBy())) {
                    update(c, r.assetId(), found.get().owner(), AssetState.FREE, null);
                } else if (stored(c, LedgerAction.LOCK.key(sid)).filter(LedgerResult.Done.class::isInstance).isPresent()) {
                    // the session locked the asset and no longer holds it: burned, most likely; never "unlocked"
                    return failed(c, r, SatpError.LEDGER_FAILURE, "asset " + r.assetId() + " is "
                            + found.map(a -> a.state().name()).orElse("gone") + ", no longer locked by session " + sid);
                }
                // otherwise the session never locked it: the undo of a lock that never happened
            }
            case EXTINGUISH -> {
                AssetView a = found.orElse(null);
                if (a != null && sid.equals(a.createdBy())) {
                    if (stored(c, LedgerAction.ASSIGN.key(sid)).filter(LedgerResult.Done.class::isInstance).isPresent()) {
                        return failed(c, r, SatpError.LEDGER_FAILURE, "asset " + r.assetId() + " created by session "
                                + sid + " was assigned to " + a.owner() + ": it is not the gateway's to destroy");
                    }
                    if (a.state() != AssetState.BURNED) {
                        update(c, r.assetId(), a.owner(), AssetState.BURNED, null);
                    }
                } else if (a != null && a.state() == AssetState.LOCKED && sid.equals(a.lockedBy())) {
                    update(c, r.assetId(), a.owner(), AssetState.BURNED, sid);
                } else if (stored(c, LedgerAction.LOCK.key(sid)).isPresent()) {
                    return failed(c, r, SatpError.LEDGER_FAILURE, "asset " + r.assetId() + " is not locked by session " + sid);
                }
                // otherwise the session neither locked nor created anything here: the undo of a creation that
                // never happened, with nothing to destroy
            }
            case CREATE -> {
                if (found.isPresent() && found.get().state() != AssetState.BURNED) {
                    return failed(c, r, SatpError.LEDGER_FAILURE, "asset " + r.assetId() + " already exists here");
                }
                if (found.isPresent()) {
                    try (PreparedStatement p = c.prepareStatement("DELETE FROM ledger_asset WHERE asset_id = ?")) {
                        p.setString(1, r.assetId());
                        p.executeUpdate();
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO ledger_asset(asset_id, owner, amount, state, created_by) VALUES (?, ?, ?, 'FREE', ?)")) {
                    p.setString(1, r.assetId());
                    p.setString(2, r.owner());
                    p.setLong(3, r.amount());
                    p.setString(4, sid);
                    p.executeUpdate();
                }
            }
            case ASSIGN -> {
                if (found.isEmpty() || !sid.equals(found.get().createdBy()) || found.get().state() != AssetState.FREE) {
                    return failed(c, r, SatpError.LEDGER_FAILURE, "session " + sid + " created no live asset " + r.assetId());
                }
                update(c, r.assetId(), r.owner(), AssetState.FREE, null);
            }
            default -> throw new IllegalStateException("unknown action " + r.action());
        }
        LedgerRecord record = new LedgerRecord(network, r.action().wireName(), sid, r.assetId(), r.amount(), r.owner(),
                clock.instant().toString());
        String receipt = codec.canonicalJson(record);
        String proof = Jws.signDetached(receipt.getBytes(StandardCharsets.UTF_8), key);
        store(c, r, "DONE", receipt, proof);
        return new LedgerResult.Done(r.action(), receipt, proof);
    }

    private LedgerResult failed(Connection c, LedgerRequest r, SatpError error, String reason) throws SQLException {
        store(c, r, "FAILED", codec.canonicalJson(Map.of("errorCode", error.code(), "reason", reason)), "-");
        return new LedgerResult.Failed(r.action(), error.code(), reason);
    }

    private void store(Connection c, LedgerRequest r, String outcome, String receipt, String proof) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO ledger_action(idempotency_key, session_id, action, asset_id,"
                + " outcome, receipt, proof, seq) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_action))")) {
            p.setString(1, r.idempotencyKey());
            p.setString(2, r.sessionId());
            p.setString(3, r.action().wireName());
            p.setString(4, r.assetId());
            p.setString(5, outcome);
            p.setString(6, receipt);
            p.setString(7, proof);
            p.executeUpdate();
        }
    }

    private Optional<LedgerResult> stored(Connection c, String idempotencyKey) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT action, outcome, receipt, proof FROM ledger_action WHERE idempotency_key = ?")) {
            p.setString(1, idempotencyKey);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(result(r)) : Optional.empty();
            }
        }
    }

    /** A stored result from a row of (action, outcome, receipt, proof). */
    @SuppressWarnings("unchecked")
    private LedgerResult result(ResultSet r) throws SQLException {
        LedgerAction action = LedgerAction.fromWireName(r.getString(1));
        if ("DONE".equals(r.getString(2))) {
            return new LedgerResult.Done(action, r.getString(3), r.getString(4));
        }
        Map<String, Object> failure = codec.read(r.getString(3), Map.class);
        return new LedgerResult.Failed(action, (String) failure.get("errorCode"), (String) failure.get("reason"));
    }

    private Optional<AssetView> find(Connection c, String assetId, boolean forUpdate) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT asset_id, owner, amount, state, locked_by, created_by"
                + " FROM ledger_asset WHERE asset_id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            p.setString(1, assetId);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new AssetView(r.getString(1), r.getString(2), r.getLong(3),
                        AssetState.valueOf(r.getString(4)), r.getString(5), r.getString(6)));
            }
        }
    }

    private static void update(Connection c, String assetId, String owner, AssetState state, String lockedBy) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "UPDATE ledger_asset SET owner = ?, state = ?, locked_by = ? WHERE asset_id = ?")) {
            p.setString(1, owner);
            p.setString(2, state.name());
            p.setString(3, lockedBy);
            p.setString(4, assetId);
            p.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new LedgerUnavailableException("reference ledger " + network + ": " + e.getMessage(), e);
        }
    }
}
