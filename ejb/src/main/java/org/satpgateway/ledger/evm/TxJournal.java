package org.satpgateway.ledger.evm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The connector's own durable journal (an H2 file database with {@code WRITE_DELAY=0} under
 * {@code <data>/evm-ledger/}): every signed transaction before it is broadcast, so that after a crash the same bytes
 * are re-broadcast and no nonce is lost or reused; and the final results the connector has answered, so that a
 * repeated request gets the same receipt and proof.
 */
final class TxJournal implements AutoCloseable {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS evm_tx (
              chain_id BIGINT NOT NULL, account VARCHAR(42) NOT NULL, nonce BIGINT NOT NULL,
              contract VARCHAR(42) NOT NULL, idempotency_key VARCHAR(300) NOT NULL, tx_hash VARCHAR(66) NOT NULL,
              raw CLOB NOT NULL, block_number BIGINT, block_hash VARCHAR(66),
              PRIMARY KEY (chain_id, account, nonce));
            CREATE INDEX IF NOT EXISTS evm_tx_key ON evm_tx(chain_id, contract, idempotency_key);
            CREATE TABLE IF NOT EXISTS evm_result (
              chain_id BIGINT NOT NULL, contract VARCHAR(42) NOT NULL, idempotency_key VARCHAR(300) NOT NULL,
              action VARCHAR(20) NOT NULL, outcome VARCHAR(10) NOT NULL, receipt VARCHAR(8000) NOT NULL,
              proof VARCHAR(4000) NOT NULL, PRIMARY KEY (chain_id, contract, idempotency_key))
            """;

    /** One journaled transaction. */
    record Tx(long nonce, String key, String txHash, String raw, Long blockNumber, String blockHash) {
        /** What finds the submission again: {@code <txHash>:<nonce>}. */
        String reference() {
            return txHash + ":" + nonce;
        }
    }

    /** A stored final result. */
    record Result(String action, String outcome, String receipt, String proof) {}

    private final JdbcConnectionPool pool;
    private final long chainId;
    private final String account;
    private final String contract;

    TxJournal(Path dir, long chainId, String account, String contract) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        // WRITE_DELAY=0: a journaled transaction is on disk before it is broadcast, also across a kill -9
        String url = String.format("jdbc:h2:file:%s;WRITE_DELAY=0", dir.resolve("journal").toAbsolutePath());
        this.pool = JdbcConnectionPool.create(url, "evm", "");
        this.pool.setMaxConnections(16);
        this.chainId = chainId;
        this.account = account.toLowerCase(java.util.Locale.ROOT);
        this.contract = contract.toLowerCase(java.util.Locale.ROOT);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (String ddl : SCHEMA.split(";")) {
                s.execute(ddl);
            }
        } catch (SQLException e) {
            pool.dispose();
            throw new IllegalStateException("cannot open the EVM ledger journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Journals a signed transaction; durable when this returns. */
    void add(long nonce, String key, String txHash, String raw) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO evm_tx(chain_id, account, nonce, contract, idempotency_key, tx_hash, raw) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, chainId);
            p.setString(2, account);
            p.setLong(3, nonce);
            p.setString(4, contract);
            p.setString(5, key);
            p.setString(6, txHash);
            p.setString(7, raw);
            p.executeUpdate();
        }
    }

    /** Drops a journaled transaction the chain can never mine (its nonce was used by another transaction). */
    void remove(long nonce) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement p = c.prepareStatement("DELETE FROM evm_tx WHERE chain_id = ? AND account = ? AND nonce = ?")) {
            p.setLong(1, chainId);
            p.setString(2, account);
            p.setLong(3, nonce);
            p.executeUpdate();
        }
    }

    /** Notes the block a transaction was seen in (null: seen in none, after a reorg). */
    void mined(long nonce, Long blockNumber, String blockHash) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "UPDATE evm_tx SET block_number = ?, block_hash = ? WHERE chain_id = ? AND account = ? AND nonce = ?")) {
            if (blockNumber == null) {
                p.setNull(1, java.sql.Types.BIGINT);
            } else {
                p.setLong(1, blockNumber);
            }
            p.setString(2, blockHash);
            p.setLong(3, chainId);
            p.setString(4, account);
            p.setLong(5, nonce);
            p.executeUpdate();
        }
    }

    /** The latest transaction journaled for a key of this contract. */
    Optional<Tx> latest(String key) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT nonce, idempotency_key, tx_hash, raw, block_number, block_hash FROM evm_tx"
                        + " WHERE chain_id = ? AND contract = ? AND idempotency_key = ? ORDER BY nonce DESC LIMIT 1")) {
            p.setLong(1, chainId);
            p.setString(2, contract);
            p.setString(3, key);
            List<Tx> found = read(p);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** The account's journaled transactions from {@code nonce} on, in nonce order (any contract). */
    List<Tx> from(long nonce) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT nonce, idempotency_key, tx_hash, raw, block_number, block_hash FROM evm_tx"
                        + " WHERE chain_id = ? AND account = ? AND nonce >= ? ORDER BY nonce")) {
            p.setLong(1, chainId);
            p.setString(2, account);
            p.setLong(3, nonce);
            return read(p);
        }
    }

    /** The highest journaled nonce of the account, or -1. */
    long highestNonce() throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT COALESCE(MAX(nonce), -1) FROM evm_tx WHERE chain_id = ? AND account = ?")) {
            p.setLong(1, chainId);
            p.setString(2, account);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static List<Tx> read(PreparedStatement p) throws SQLException {
        List<Tx> txs = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                long block = r.getLong(5);
                txs.add(new Tx(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.wasNull() ? null : block,
                        r.getString(6)));
            }
        }
        return txs;
    }

    /** Stores a final result unless one is stored; returns the stored one. */
    Result keep(String key, Result result) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO evm_result(chain_id, contract, idempotency_key, action, outcome, receipt, proof)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, chainId);
            p.setString(2, contract);
            p.setString(3, key);
            p.setString(4, result.action());
            p.setString(5, result.outcome());
            p.setString(6, result.receipt());
            p.setString(7, result.proof());
            p.executeUpdate();
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
        }
        return result(key).orElse(result);
    }

    Optional<Result> result(String key) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
                "SELECT action, outcome, receipt, proof FROM evm_result WHERE chain_id = ? AND contract = ? AND idempotency_key = ?")) {
            p.setLong(1, chainId);
            p.setString(2, contract);
            p.setString(3, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(new Result(r.getString(1), r.getString(2), r.getString(3), r.getString(4)))
                        : Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
