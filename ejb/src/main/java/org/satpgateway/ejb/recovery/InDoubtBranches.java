package org.satpgateway.ejb.recovery;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Counts the log database's prepared (in-doubt) XA branches: what a crash between prepare and commit leaves behind
 * until the transaction manager's recovery commits or rolls them back. A branch in doubt holds its row locks, so a
 * step of its session would wait on them.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class InDoubtBranches {
    /** H2's lock timeout of a new session (its DEFAULT_LOCK_TIMEOUT, not changed by the log's URL). */
    private static final int H2_LOCK_TIMEOUT_MS = 1000;

    @Resource(lookup = "jdbc/satpLog")
    private DataSource log;

    public InDoubtBranches() {
        // for the container
    }

    InDoubtBranches(DataSource log) {
        this.log = log;
    }

    /** The number of prepared branches in the log database; -1 when this database cannot tell. */
    public int count() {
        try (Connection c = log.getConnection(); Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            String sql = product.contains("h2") ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.IN_DOUBT"
                    : product.contains("postgres") ? "SELECT COUNT(*) FROM pg_prepared_xacts WHERE database = current_database()"
                    : null;
            if (sql == null) {
                return -1;
            }
            try (ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the log database's prepared transactions: " + e.getMessage(), e);
        }
    }

    /**
     * Commits every branch of the log database still in doubt, each on its own; returns their names. For the
     * gateway's own steps this is always a safe decision, whatever the transaction manager had decided: a committed
     * log entry whose broker branch was rolled back leaves the log ahead of the broker, which the protocol recovers
     * from (an outbound message the log holds is resent by the session's timer; an inbound message whose step is
     * logged is redelivered and is then a duplicate that changes nothing). The other way round (broker ahead of the
     * log) is what a rollback of the log's branch could leave.
     */
    public List<String> commitAll() {
        List<String> committed = new ArrayList<>();
        try (Connection c = log.getConnection()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            for (String name : names(c, postgres)) {
                try (Statement s = c.createStatement()) {
                    s.execute(postgres ? "COMMIT PREPARED '" + name.replace("'", "''") + "'"
                            : "COMMIT TRANSACTION \"" + name.replace("\"", "\"\"") + "\"");
                    committed.add(name);
                } catch (SQLException e) {
                    // resolved meanwhile (by the transaction manager), or refused: the caller counts again
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot resolve the log database's prepared transactions: " + e.getMessage(), e);
        }
        return committed;
    }

    /** The names of the log database's prepared branches now (a branch between prepare and commit is one too). */
    public List<String> names() {
        try (Connection c = log.getConnection()) {
            return names(c, c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the log database's prepared transactions: " + e.getMessage(), e);
        }
    }

    private static List<String> names(Connection c, boolean postgres) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(postgres
                ? "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()"
                : "SELECT TRANSACTION_NAME FROM INFORMATION_SCHEMA.IN_DOUBT")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }

    /**
     * The sessions among {@code sessionIds} whose index row another transaction holds locked now (with no step
     * running, a branch left in doubt): each is tried with a lock wait of 200 ms, in a local transaction that is
     * rolled back; H2's session-wide lock timeout is set back afterwards, since the pool hands the connection out
     * again. Names what an unresolved branch blocks, for the operator.
     */
    public List<String> blocked(List<String> sessionIds) {
        List<String> blocked = new ArrayList<>();
        try (Connection c = log.getConnection()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                    PreparedStatement lock = c.prepareStatement("SELECT SESSION_ID FROM SATP_SESSION WHERE SESSION_ID = ? FOR UPDATE")) {
                if (!postgres) {
                    s.execute("SET LOCK_TIMEOUT 200");
                }
                for (String id : sessionIds) {
                    if (postgres) {
                        s.execute("SET LOCAL lock_timeout = '200ms'"); // until the rollback below
                    }
                    lock.setString(1, id);
                    try (ResultSet r = lock.executeQuery()) {
                        r.next();
                    } catch (SQLException held) {
                        blocked.add(id);
                    }
                    c.rollback();
                }
            } finally {
                c.rollback();
                if (!postgres) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCK_TIMEOUT " + H2_LOCK_TIMEOUT_MS); // the pooled connection's session keeps it
                    }
                }
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot try the sessions' row locks: " + e.getMessage(), e);
        }
        return blocked;
    }
}
