package org.satpgateway.ejb.lease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The ownership of an organisation's gateway role in a shared PostgreSQL log (docs/security.md, Primary-backup): one
 * row, {@code SATP_GATEWAY_LEASE}, with the holder, an epoch that grows at every change of holder, and when the holder
 * last renewed it (the database's clock, so that the instances' clocks do not matter).
 *
 * <ul>
 * <li>A standby takes the lease when it is free, when the holder has not renewed it for longer than the lapse
 * period, or when it already holds it (its own restart): one conditional UPDATE, so of two standbys racing, one wins
 * and the other sees no row changed.</li>
 * <li>The holder renews it; a renewal that changes no row means the lease was taken: the holder is fenced.</li>
 * <li>Every step of the gateway {@link #fence fences} itself in its own transaction: it reads the row with a shared
 * lock and goes on only if it still holds the lease with its epoch. A takeover's UPDATE waits for the steps under way
 * and every later step of the old holder fails.</li>
 * </ul>
 * Plain JDBC: the standby runs outside the application server.
 */
public final class LeaseTable {
    public static final String ROLE = "gateway";
    /** The fencing read: the lease row, locked shared to the end of the caller's transaction. */
    public static final String FENCE_QUERY = "SELECT HOLDER, EPOCH FROM SATP_GATEWAY_LEASE WHERE ROLE_NAME = ? FOR SHARE";

    private LeaseTable() {}

    /** What a standby got: the epoch it holds the lease with, and who held it before (null: nobody, or itself). */
    public record Acquired(long epoch, String previousHolder) {
        public boolean takeover() {
            return previousHolder != null;
        }
    }

    /** The lease as it stands. */
    public record Holder(String holder, long epoch) {}

    /** A gateway that no longer holds the lease it started with. */
    public static final class FencedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public FencedException(String message) {
            super(message);
        }
    }

    /** Creates the table when it is missing (the standby does this before the first gateway starts). */
    public static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS SATP_GATEWAY_LEASE (ROLE_NAME VARCHAR(32) PRIMARY KEY,"
                    + " HOLDER VARCHAR(200) NOT NULL, EPOCH BIGINT NOT NULL, RENEWED_AT TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("INSERT INTO SATP_GATEWAY_LEASE (ROLE_NAME, HOLDER, EPOCH, RENEWED_AT)"
                    + " VALUES ('" + ROLE + "', '', 0, TIMESTAMP WITH TIME ZONE 'epoch') ON CONFLICT (ROLE_NAME) DO NOTHING");
        }
    }

    /**
     * Takes the lease for {@code instance} when it is free, lapsed (not renewed for longer than {@code lapse}) or
     * already its own; empty when another instance holds it. Autocommit.
     */
    public static Optional<Acquired> tryAcquire(Connection c, String instance, Duration lapse) throws SQLException {
        Holder before = holder(c);
        try (PreparedStatement s = c.prepareStatement("UPDATE SATP_GATEWAY_LEASE SET HOLDER = ?, EPOCH = EPOCH + 1,"
                + " RENEWED_AT = clock_timestamp() WHERE ROLE_NAME = ? AND EPOCH = ?"
                + " AND (HOLDER = '' OR HOLDER = ? OR RENEWED_AT < clock_timestamp() - make_interval(secs => ?))")) {
            s.setString(1, instance);
            s.setString(2, ROLE);
            s.setLong(3, before.epoch());
            s.setString(4, instance);
            s.setDouble(5, lapse.toMillis() / 1000.0);
            if (s.executeUpdate() != 1) {
                return Optional.empty();
            }
        }
        String previous = before.holder().isEmpty() || before.holder().equals(instance) ? null : before.holder();
        return Optional.of(new Acquired(before.epoch() + 1, previous));
    }

    /**
     * {@link #tryAcquire(Connection, String, Duration)} for a standby that must not wait for ever: the UPDATE waits at
     * most {@code lockWait} for the lease row. A holder that died between the two phases of a step's commit leaves
     * that step's branch prepared in the log database, holding the row's shared lock, and no one else would ever
     * resolve it (the dead instance's transaction log is its own). So when the row stays locked, the log's branches
     * prepared longer ago than {@code inDoubtAfter} are committed, the decision the gateway itself takes for branches
     * left in doubt (docs/recovery.md), and the UPDATE is tried once more. Returns the gids committed through
     * {@code committed}. PostgreSQL only.
     */
    public static Optional<Acquired> tryAcquire(Connection c, String instance, Duration lapse, Duration lockWait,
            Duration inDoubtAfter, java.util.function.Consumer<String> committed) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = " + Math.max(1, lockWait.toMillis()));
        }
        try {
            return tryAcquire(c, instance, lapse);
        } catch (SQLException e) {
            if (!"55P03".equals(e.getSQLState())) { // lock_not_available
                throw e;
            }
        }
        List<String> stale = new java.util.ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()"
                + " AND prepared < clock_timestamp() - make_interval(secs => ?)")) {
            s.setDouble(1, inDoubtAfter.toMillis() / 1000.0);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    stale.add(r.getString(1));
                }
            }
        }
        for (String gid : stale) {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT PREPARED '" + gid.replace("'", "''") + "'");
            }
            committed.accept(gid);
        }
        try {
            return tryAcquire(c, instance, lapse);
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                return Optional.empty(); // still locked: a step under way, or a branch not yet that old; next poll
            }
            throw e;
        }
    }

    /** Renews the lease; false when {@code instance} does not hold it with {@code epoch} any more. */
    public static boolean renew(Connection c, String instance, long epoch) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE SATP_GATEWAY_LEASE SET RENEWED_AT = clock_timestamp()"
                + " WHERE ROLE_NAME = ? AND HOLDER = ? AND EPOCH = ?")) {
            s.setString(1, ROLE);
            s.setString(2, instance);
            s.setLong(3, epoch);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * In the caller's transaction: reads the lease with a shared row lock, held to the end of the transaction, and
     * fails unless {@code instance} holds it with {@code epoch}.
     */
    public static void fence(Connection c, String instance, long epoch) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(FENCE_QUERY)) {
            s.setString(1, ROLE);
            try (ResultSet r = s.executeQuery()) {
                check(r.next() ? new Holder(r.getString(1), r.getLong(2)) : null, instance, epoch);
            }
        }
    }

    /** Fails unless {@code lease} (the row {@link #FENCE_QUERY} read; null: none) is held by {@code instance} with {@code epoch}. */
    public static void check(Holder lease, String instance, long epoch) {
        if (lease == null) {
            throw new FencedException("no gateway lease in the log database");
        }
        if (!instance.equals(lease.holder()) || epoch != lease.epoch()) {
            throw new FencedException(instance + " (epoch " + epoch + ") no longer holds the gateway lease: "
                    + lease.holder() + " does, epoch " + lease.epoch());
        }
    }

    /** The lease as it stands. */
    public static Holder holder(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT HOLDER, EPOCH FROM SATP_GATEWAY_LEASE WHERE ROLE_NAME = ?")) {
            s.setString(1, ROLE);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no gateway lease row: create the table first");
                }
                return new Holder(r.getString(1), r.getLong(2));
            }
        }
    }
}
