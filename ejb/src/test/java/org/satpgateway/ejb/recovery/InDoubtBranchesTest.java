package org.satpgateway.ejb.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Naming the sessions whose row another transaction holds (a branch in doubt, at start-up). */
class InDoubtBranchesTest {

    @Test
    void namesTheSessionsWhoseRowIsHeld() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:indoubt-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection setup = ds.getConnection(); Statement s = setup.createStatement()) {
            s.execute("CREATE TABLE SATP_SESSION (SESSION_ID VARCHAR(64) PRIMARY KEY)");
            s.execute("INSERT INTO SATP_SESSION VALUES ('held'), ('free'), ('also-free')");
        }
        try (Connection holder = ds.getConnection(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            try (ResultSet r = s.executeQuery("SELECT * FROM SATP_SESSION WHERE SESSION_ID = 'held' FOR UPDATE")) {
                r.next();
            }
            InDoubtBranches branches = new InDoubtBranches(ds);
            long t0 = System.nanoTime();
            assertEquals(List.of("held"), branches.blocked(List.of("free", "held", "also-free")));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(true, ms < 5_000, "each try waits about 200 ms, not the default: " + ms + " ms");
            holder.rollback();
        }
    }

    /**
     * A branch prepared and never committed (the database stopped between prepare and commit): after the restart it
     * is in doubt and holds its session's row; the gateway names the session, commits the branch, and the row is
     * free and holds the branch's change.
     */
    @Test
    void commitsABranchLeftInDoubt(@TempDir Path dir) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("log") + ";WRITE_DELAY=0");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE SATP_SESSION (SESSION_ID VARCHAR(64) PRIMARY KEY, STEP INT)");
            s.execute("INSERT INTO SATP_SESSION VALUES ('s-1', 1), ('s-2', 1)");
            try (Connection step = ds.getConnection(); Statement t = step.createStatement()) {
                step.setAutoCommit(false);
                t.execute("UPDATE SATP_SESSION SET STEP = 2 WHERE SESSION_ID = 's-1'");
                t.execute("PREPARE COMMIT \"XID_1_aB-c_dE-f\"");
                s.execute("SHUTDOWN IMMEDIATELY");
            } catch (SQLException stopped) {
                // the database stopped under the prepared branch
            }
        }
        assertEquals(true, Files.exists(dir.resolve("log.mv.db")));
        InDoubtBranches branches = new InDoubtBranches(ds);
        assertEquals(1, branches.count());
        assertEquals(List.of("s-1"), branches.blocked(List.of("s-1", "s-2")));
        assertEquals(List.of("XID_1_aB-c_dE-f"), branches.commitAll());
        assertEquals(0, branches.count());
        assertEquals(List.of(), branches.blocked(List.of("s-1", "s-2")));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT STEP FROM SATP_SESSION WHERE SESSION_ID = 's-1'")) {
            r.next();
            assertEquals(2, r.getInt(1), "the branch's change is committed");
        }
    }
}
