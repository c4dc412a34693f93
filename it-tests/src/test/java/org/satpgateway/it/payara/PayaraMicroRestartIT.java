package org.satpgateway.it.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.satpgateway.it.support.SharedGateways;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;

/**
 * A gateway on Payara Micro started the way it must run to survive crashes: the first start with
 * {@code config/payara/preboot-first.asadmin}, the post-boot resources and {@code --deploy}; after a kill -9, a
 * restart on the same rootdir with {@code preboot-restart.asadmin} and no deploy. The app must come back by itself
 * with transaction recovery still on and the log's pool still XA, and go on transferring; the log's tables are in
 * the H2 file the killed gateway left. On the pair the test classes share ({@link SharedGateways}).
 */
@ExtendWith(SharedGateways.class)
class PayaraMicroRestartIT {

    @Test
    void comesBackAfterKill9WithoutRedeployAndKeepsRecoveryOn(Embedded embedded) throws Exception {
        GatewayNode g2 = embedded.g2();
        String domain = Files.readString(g2.rootDir().resolve("config/domain.xml"));
        assertTrue(domain.contains("<transaction-service automatic-recovery=\"true\""), "automatic-recovery in domain.xml");
        assertTrue(domain.contains("name=\"satpLogPool\" res-type=\"javax.sql.XADataSource\""), "the log's pool is XA");
        assertTrue(domain.contains("WRITE_DELAY=0"), "H2 keeps commits across kill -9");
        assertTrue(domain.contains("transaction-support=\"XATransaction\""), "the JMS pool is XA");
        GatewayClient c1 = Embedded.client(embedded.g1());
        Transfers.completeOne(c1, Embedded.client(g2));
        // an operator's pause of intake outlives the crash
        GatewayClient c2 = Embedded.client(g2);
        assertTrue(c2.post("api/v1/admin/intake/pause", java.util.Map.of()).body().path("paused").asBoolean(), "G2 paused");

        g2.kill9();
        assertTrue(!g2.alive(), "G2 is gone");
        assertEquals(List.of("SATP_JOB", "SATP_LOG_ENTRY", "SATP_OPERATOR_ACTION", "SATP_PEER_KEY", "SATP_REJECTED_MESSAGE",
                "SATP_SESSION", "SATP_STEP_FAILURE"), logTables(g2.rootDir().resolve("data/satplog"), g2.logDatabasePassword()));
        // G1's operators are alerted that the counterpart is unreachable (SharedGateways: after 5 s)
        long alertDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean alerted = false;
        while (!alerted && System.nanoTime() < alertDeadline) {
            alerted = c1.get("api/v1/admin/alerts").body().findValues("kind").stream()
                    .anyMatch(k -> k.asText().equals("peer-unreachable"));
            Thread.sleep(250);
        }
        assertTrue(alerted, "G1 alerts that G2 is unreachable");
        long logBefore = Files.size(g2.log());
        long t0 = System.nanoTime();
        g2.launch();
        Duration restart = g2.awaitReady(Embedded.client(g2), Duration.ofMinutes(4));
        assertTrue(Files.readString(g2.rootDir().resolve("config/domain.xml"))
                .contains("<transaction-service automatic-recovery=\"true\""), "still on after the restart");
        byte[] log = Files.readAllBytes(g2.log());
        String thisStart = new String(log, (int) logBefore, log.length - (int) logBefore, StandardCharsets.UTF_8);
        assertTrue(thisStart.contains("Deployed 0 archive(s)"), "the restart did not redeploy");
        assertTrue(!thisStart.contains("--deploy"), "launched without --deploy");
        com.fasterxml.jackson.databind.JsonNode intake = c2.get("api/v1/admin/overview").body().path("gateway").path("intake");
        assertTrue(intake.path("paused").asBoolean() && "launcher".equals(intake.path("by").asText()),
                () -> "still paused after the restart: " + intake);
        assertTrue(!c2.post("api/v1/admin/intake/resume", java.util.Map.of()).body().path("paused").asBoolean(), "resumed");
        Transfers.completeOne(c1, Embedded.client(g2));
        System.out.printf("[payara-micro] G2 restart after kill -9: %d ms; a transfer after it: %d ms%n",
                restart.toMillis(), (System.nanoTime() - t0) / 1_000_000 - restart.toMillis());
    }

    private static List<String> logTables(Path database, String password) throws java.sql.SQLException {
        List<String> tables = new ArrayList<>();
        // the gateway's JVM is dead; the same settings as its pool, so this connection never weakens the file's durability
        String url = String.format("jdbc:h2:file:%s;IFEXISTS=TRUE;WRITE_DELAY=0", database.toAbsolutePath());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "gateway", password);
                java.sql.ResultSet r = c.createStatement().executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                        + " WHERE TABLE_NAME LIKE 'SATP%' ORDER BY TABLE_NAME")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        return tables;
    }
}
