package org.satpgateway.it.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;
import org.satpgateway.launcher.Layout;
import org.satpgateway.launcher.PeerClient;
import org.satpgateway.launcher.Postgres;
import org.satpgateway.launcher.PostgresLog;

/**
 * The two gateways with their logs in a real PostgreSQL server (one database each, XA through PGXADataSource,
 * {@code config/payara/preboot-first-postgres.asadmin}, the driver given with {@code --addlibs} on every start). A
 * transfer completes and both logs are in PostgreSQL; every step committed in two phases (PostgreSQL's statement log
 * shows {@code PREPARE TRANSACTION} and {@code COMMIT PREPARED}); after a kill -9 of G2 the restart scans the pool for
 * in-doubt branches, nothing is left prepared, and the next transfer completes.
 */
class TwoGatewaysPostgresIT {
    private static final Path DRIVER = Path.of(System.getProperty("satp.pgDriver"));
    private static final String RECOVER_QUERY = "FROM pg_prepared_xacts where database = current_database()";

    @Test
    void aTransferCompletesWithBothLogsInPostgresAndSurvivesAKill9() throws Exception {
        Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("two-gateways-pg-" + System.nanoTime())
                .toAbsolutePath();
        Files.createDirectories(work);
        Layout layout = new Layout(Path.of(System.getProperty("satp.repository"))).check();
        try (Postgres pg = Postgres.builder(work.resolve("pg-data")).setting("log_statement", "all")
                .setting("log_line_prefix", "%m [%p] %d ").start()) {
            Embedded.Options o = PostgresLog.options(Embedded.Options.freePorts(work), DRIVER);
            try (Embedded embedded = new Embedded(layout, o)) {
                PostgresLog.use(embedded, layout, pg);
                Duration up = embedded.start(Duration.ofMinutes(4));
                GatewayClient g1 = Embedded.client(embedded.g1());
                GatewayClient g2 = Embedded.client(embedded.g2());
                for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
                    String domain = Files.readString(g.rootDir().resolve("config/domain.xml"));
                    assertTrue(domain.contains("datasource-classname=\"org.postgresql.xa.PGXADataSource\""), g.name());
                    assertTrue(domain.contains("<transaction-service automatic-recovery=\"true\""), g.name());
                }

                String id = transfer(g1, g2);
                for (String db : List.of("satplog_g1", "satplog_g2")) {
                    assertEquals(11, messageRows(pg, db, id), db + ": the eleven messages of the session");
                }
                PeerClient asG1 = PeerClient.as(embedded.g1(), embedded.g2());
                String[] delivered = duplicatesChangeNothing(pg, asG1, g1, g2, id);
                String statements = Files.readString(pg.log(), StandardCharsets.ISO_8859_1);
                assertTrue(statements.contains("PREPARE TRANSACTION"), "two-phase commit: prepare");
                assertTrue(statements.contains("COMMIT PREPARED"), "two-phase commit: commit of the prepared branch");

                int logged = statements.length();
                embedded.g2().kill9();
                embedded.g2().launch();
                Duration restart = embedded.g2().awaitReady(g2, Duration.ofMinutes(4));
                awaitRecoveryScan(pg, logged);
                assertFalse(Files.readString(embedded.g2().log()).contains("ClassNotFoundException: org.postgresql"),
                        "the driver is there at the restart");
                String second = transfer(g1, g2);
                assertEquals(202, asG1.deliver(delivered[0], delivered[1]).status(), "a delivery key taken before the"
                        + " restart (the door's memory of keys is empty now): the broker drops the repeat, 202");
                assertEquals(0, pg.preparedTransactions(), "nothing left prepared in PostgreSQL");
                assertEquals(List.of("satp_job", "satp_log_entry", "satp_operator_action", "satp_peer_key", "satp_rejected_message", "satp_session", "satp_step_failure"),
                        tables(pg, "satplog_g2"));
                System.out.printf("[two-gateways-pg] up in %d ms; G2 restart after kill -9 %d ms; transfers %s, %s;"
                        + " PostgreSQL RSS %d MiB%n", up.toMillis(), restart.toMillis(), id, second, pg.rssMiB());
            }
        }
    }

    private static String transfer(GatewayClient g1, GatewayClient g2) throws Exception {
        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.issue(asset, "alice@bank-one", 8).status());
        GatewayClient.Answer a = g1.submit(Transfers.job(asset, 8, "ctx-" + asset));
        assertEquals(202, a.status(), () -> String.valueOf(a.body()));
        String id = a.body().path("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode t1 = g1.transfer(id).orElse(null);
            JsonNode t2 = g2.transfer(id).orElse(null);
            if (t1 != null && t2 != null && "COMPLETED".equals(t1.path("state").asText())
                    && "COMPLETED".equals(t2.path("state").asText())) {
                assertEquals("BURNED", g1.asset(asset).orElseThrow().path("state").asText());
                assertEquals(Transfers.BOB, g2.asset(asset).orElseThrow().path("owner").asText());
                assertEquals(Transfers.messages(t1), Transfers.messages(t2));
                return id;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("transfer " + id + " did not complete: " + g1.transfer(id) + " / " + g2.transfer(id));
    }

    /**
     * Every message G1 sent in the finished session, delivered to G2 again, twice each (as a peer's retries would):
     * G2 takes them in (202), then refuses or ignores each; no log entry, no ledger action, no state change.
     *
     * @return the last message delivered and its delivery key
     */
    private static String[] duplicatesChangeNothing(Postgres pg, PeerClient asG1, GatewayClient asG1Client, GatewayClient g2,
            String id) throws Exception {
        JsonNode before = g2.transfer(id).orElseThrow();
        List<String> sent = new ArrayList<>();
        try (Connection c = pg.connect("satplog_g1"); PreparedStatement s = c.prepareStatement("SELECT data FROM"
                + " satp_log_entry WHERE session_id = ? AND operation = 'done' AND entry_type LIKE '%-msg' ORDER BY position")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    sent.add(r.getString(1));
                }
            }
        }
        assertEquals(6, sent.size(), "G1 sent messages 1, 3, 5, 7, 9 and 11");
        String[] last = null;
        for (String wire : sent) {
            String key = UUID.randomUUID().toString();
            assertEquals(202, asG1.deliver(wire, UUID.randomUUID().toString()).status(), "a resend (another delivery)");
            assertEquals(202, asG1.deliver(wire, key).status());
            assertEquals(202, asG1.deliver(wire, key).status(), "a repeated delivery (the same key) is taken, not refused");
            last = new String[] {wire, key};
        }
        // the duplicates are on G2's inbound queue ahead of the next transfer's messages: once that transfer has
        // completed on both sides, G2 has taken every one of them
        transfer(asG1Client, g2);
        assertEquals(0, rejected(pg, "satplog_g2", id), "a duplicate is no error: it is dropped, or answered with"
                + " the reply stored for it, and changes nothing");
        JsonNode after = g2.transfer(id).orElseThrow();
        assertEquals(before.path("history"), after.path("history"), "G2's log is unchanged");
        assertEquals("COMPLETED", after.path("state").asText());
        String asset = assetOf(pg, id);
        assertEquals(1, Transfers.count(g2.get("api/v1/ledger/assets/" + asset + "/history").body(), "create"));
        assertEquals(1, Transfers.count(g2.get("api/v1/ledger/assets/" + asset + "/history").body(), "assign"));
        return last;
    }

    private static String assetOf(Postgres pg, String sessionId) throws Exception {
        try (Connection c = pg.connect("satplog_g1"); PreparedStatement s = c.prepareStatement(
                "SELECT transfer_context_id FROM satp_job WHERE job_id = ?")) {
            s.setString(1, sessionId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getString(1).substring("ctx-".length());
            }
        }
    }

    private static long rejected(Postgres pg, String db, String sessionId) throws Exception {
        return count(pg, db, "SELECT count(*) FROM satp_rejected_message WHERE session_id = ?", sessionId);
    }

    private static long messageRows(Postgres pg, String db, String sessionId) throws Exception {
        return count(pg, db, "SELECT count(*) FROM satp_log_entry WHERE session_id = ? AND entry_type LIKE '%-msg'", sessionId);
    }

    private static long count(Postgres pg, String db, String sql, String sessionId) throws Exception {
        try (Connection c = pg.connect(db); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, sessionId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static List<String> tables(Postgres pg, String db) throws Exception {
        List<String> t = new ArrayList<>();
        try (Connection c = pg.connect(db); ResultSet r = c.createStatement().executeQuery("SELECT table_name FROM"
                + " information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'satp%' ORDER BY table_name")) {
            while (r.next()) {
                t.add(r.getString(1));
            }
        }
        return t;
    }

    /** Payara scans the PG pool for in-doubt branches at boot, possibly after the application answers. */
    private static void awaitRecoveryScan(Postgres pg, int offset) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String log = Files.readString(pg.log(), StandardCharsets.ISO_8859_1);
            if (log.substring(Math.min(offset, log.length())).contains(RECOVER_QUERY)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no recovery scan of the PostgreSQL pool after the restart; see " + pg.log());
    }
}
