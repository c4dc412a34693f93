package org.satpgateway.ejb.timer;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Counts the log database's prepared (in-doubt) XA branches: what a crash between prepare and commit leaves behind
 * until the transaction manager's recovery commits or rolls them back. A branch in doubt holds its row locks, so a
 * step of its session would wait on them.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class InDoubtBranches {
    @Resource(lookup = "jdbc/satpLog")
    private DataSource log;

    /** The number of prepared branches in the log database; -1 when this database cannot tell. */
    public int count() {
        try (Connection c = log.getConnection(); Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
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
}
