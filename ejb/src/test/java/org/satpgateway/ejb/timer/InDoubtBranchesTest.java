package org.satpgateway.ejb.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

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
}
