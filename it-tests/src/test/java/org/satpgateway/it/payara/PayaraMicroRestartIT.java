package org.satpgateway.it.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The standalone WAR on Payara Micro, started the way a gateway starts: the first start with
 * {@code config/payara/preboot-first.asadmin} and {@code --deploy}; after a kill -9, a restart on the same rootdir
 * with {@code preboot-restart.asadmin} and no {@code --deploy}. The app must come back by itself, and the rootdir
 * must keep transaction recovery on and the log's pool as an XA data source; and the log's persistence unit must
 * have deployed onto that pool (its tables exist in the H2 database once the gateway is stopped).
 */
class PayaraMicroRestartIT {
    private static final Path MICRO = Path.of(System.getProperty("satp.payaraMicro"));
    private static final Path WAR = Path.of(System.getProperty("satp.microWar"));
    private static final Path CONFIG = Path.of(System.getProperty("satp.root"));
    private static final Path WORK = Path.of(System.getProperty("satp.work", "target/it"));
    private static final Duration BOOT = Duration.ofSeconds(240);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void comesBackAfterKill9WithoutRedeployAndKeepsRecoveryOn() throws Exception {
        Path rootdir = Files.createDirectories(WORK).resolve("micro-" + System.nanoTime());
        int port = freePort();
        Process first = start(rootdir, port, "preboot-first.asadmin", true, "first");
        Process second = null;
        try {
            Duration firstBoot = awaitVersion(first, port, "first");
            String domain = Files.readString(rootdir.resolve("config/domain.xml"));
            assertTrue(domain.contains("<transaction-service automatic-recovery=\"true\""), "automatic-recovery in domain.xml");
            assertTrue(domain.contains("name=\"satpLogPool\" res-type=\"javax.sql.XADataSource\""), "the log's pool is XA");
            assertTrue(domain.contains("WRITE_DELAY=0"), "H2 keeps commits across kill -9");

            first.destroyForcibly();
            assertEquals(137, first.waitFor(), "killed with SIGKILL");

            second = start(rootdir, port, "preboot-restart.asadmin", false, "restart");
            Duration restart = awaitVersion(second, port, "restart");
            assertTrue(Files.readString(rootdir.resolve("config/domain.xml"))
                    .contains("<transaction-service automatic-recovery=\"true\""), "still on after the restart");
            System.out.printf("[payara-micro] first start to /api/v1/version: %d ms, restart after kill -9: %d ms%n",
                    firstBoot.toMillis(), restart.toMillis());
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null && p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            }
        }
        assertEquals(List.of("SATP_LOG_ENTRY", "SATP_SESSION"), logTables(rootdir.resolve("data/satplog")));
    }

    private static List<String> logTables(Path database) throws java.sql.SQLException {
        List<String> tables = new ArrayList<>();
        // the gateway is stopped; the same settings as its pool, so this connection never weakens the file's durability
        String url = String.format("jdbc:h2:file:%s;IFEXISTS=TRUE;WRITE_DELAY=0", database.toAbsolutePath());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "sa");
                java.sql.ResultSet r = c.createStatement().executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                        + " WHERE TABLE_NAME LIKE 'SATP%' ORDER BY TABLE_NAME")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        return tables;
    }

    private static Process start(Path rootdir, int port, String preboot, boolean deploy, String label) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", MICRO.toString(), "--nocluster",
                "--rootdir", rootdir.toAbsolutePath().toString(), "--port", Integer.toString(port),
                "--prebootcommandfile", CONFIG.resolve("payara").resolve(preboot).toAbsolutePath().toString()));
        if (deploy) {
            cmd.addAll(List.of("--deploy", WAR.toAbsolutePath().toString(), "--contextroot", "/"));
        }
        Path log = rootdir.resolveSibling(rootdir.getFileName() + "-" + label + ".log");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Duration awaitVersion(Process p, int port, String label) throws InterruptedException {
        Instant start = Instant.now();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/version"))
                .timeout(Duration.ofSeconds(5)).build();
        while (Duration.between(start, Instant.now()).compareTo(BOOT) < 0) {
            assertTrue(p.isAlive(), () -> label + ": Payara Micro exited with " + p.exitValue() + ", see its log in " + WORK);
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"product\":\"SATP Gateway\"")) {
                    return Duration.between(start, Instant.now());
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail(label + ": /api/v1/version did not answer within " + BOOT);
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
