package org.satpgateway.it.payara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.satpgateway.it.support.Ports;
import org.satpgateway.it.support.Postgres;
import org.satpgateway.it.support.Processes;

/**
 * The standalone WAR on Payara Micro with its log in a real PostgreSQL, started the way a gateway starts: the first
 * start with {@code config/payara/preboot-first-postgres.asadmin} (its placeholders filled in) and {@code --deploy};
 * after a kill -9, a restart on the same rootdir with {@code preboot-restart.asadmin} and no {@code --deploy}. The
 * PostgreSQL driver is given with {@code --addlibs} on both starts. The log's persistence unit must have created its
 * tables in the gateway's own database, the rootdir must keep the PostgreSQL XA pool and transaction recovery on, and
 * at the restart the transaction manager must scan the pool for in-doubt transactions (PostgreSQL's statement log
 * shows the driver's {@code pg_prepared_xacts} query), which fails silently, with the app still answering, when the
 * driver is missing.
 */
class PayaraMicroPostgresIT {
    private static final Path MICRO = Path.of(System.getProperty("satp.payaraMicro"));
    private static final Path WAR = Path.of(System.getProperty("satp.microWar"));
    private static final Path DRIVER = Path.of(System.getProperty("satp.pgDriver"));
    private static final Path CONFIG = Path.of(System.getProperty("satp.root"));
    private static final Path WORK = Path.of(System.getProperty("satp.work", "target/it"));
    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final Duration RECOVERY_SCAN = Duration.ofSeconds(60);
    /**
     * This test's own ports (HTTP, PostgreSQL) are taken from this range. (Micro's data grid listens on 6900, or the
     * next free port above, even with --nocluster, which ignores --startport; as in PayaraMicroRestartIT.)
     */
    private static final int PORTS_FROM = 38000;
    private static final int PORTS_TO = 38999;
    private static final String DATABASE = "satplog_g1";
    /** The query PgJDBC's XAResource.recover(TMSTARTRSCAN) runs. */
    private static final String RECOVER_QUERY = "FROM pg_prepared_xacts where database = current_database()";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void logOnPostgresComesBackAfterKill9WithoutRedeploy() throws Exception {
        Path base = Files.createDirectories(WORK).resolve("micro-pg-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(base);
        Path rootdir = base.resolve("rootdir");
        try (Postgres pg = Postgres.builder(base.resolve("pg-data")).port(Ports.free(PORTS_FROM, PORTS_TO))
                .setting("log_statement", "all").setting("log_line_prefix", "%m [%p] %d ").start()) {
            pg.createDatabase(DATABASE);
            System.out.printf("[postgres] %s: initdb %d ms, start %d ms, RSS %d MiB%n", pg, pg.initdbMillis(),
                    pg.startMillis(), pg.rssMiB());
            Path preboot = render(CONFIG.resolve("payara/preboot-first-postgres.asadmin"),
                    base.resolve("preboot-first.asadmin"), Map.of("PG_HOST", pg.host(), "PG_PORT",
                            Integer.toString(pg.port()), "PG_DATABASE", DATABASE, "PG_USER", pg.user(),
                            "PG_PASSWORD", pg.password()));
            int httpPort = Ports.free(PORTS_FROM, PORTS_TO);

            Process first = null;
            Process second = null;
            try {
                first = start(rootdir, httpPort, preboot, true, base.resolve("first.log"));
                Duration firstBoot = awaitVersion(first, httpPort, "first", base);
                long firstRss = Processes.rssKiB(first.toHandle()) / 1024;
                assertEquals(List.of("satp_log_entry", "satp_session"), logTables(pg),
                        "the log's persistence unit created its tables in PostgreSQL (names folded to lower case)");
                assertPostgresPoolAndRecoveryOn(rootdir, pg);
                String firstBootLog = read(pg.log());
                long firstBootScans = countScans(firstBootLog);

                first.destroyForcibly();
                assertEquals(137, first.waitFor(), "killed with SIGKILL");

                second = start(rootdir, httpPort, CONFIG.resolve("payara/preboot-restart.asadmin"), false,
                        base.resolve("restart.log"));
                Duration restart = awaitVersion(second, httpPort, "restart", base);
                long restartRss = Processes.rssKiB(second.toHandle()) / 1024;
                assertPostgresPoolAndRecoveryOn(rootdir, pg);
                Duration scan = awaitRecoveryScan(pg, firstBootLog.length(), second);
                assertFalse(read(base.resolve("restart.log")).contains("ClassNotFoundException: org.postgresql"),
                        "the driver is on Payara's class path at the restart");
                assertEquals(0, pg.preparedTransactions(DATABASE), "nothing left prepared");
                assertEquals(List.of("satp_log_entry", "satp_session"), logTables(pg));

                System.out.printf("[payara-micro+pg] first start to /api/v1/version: %d ms (RSS %d MiB), restart after"
                        + " kill -9: %d ms (RSS %d MiB); PostgreSQL RSS %d MiB%n", firstBoot.toMillis(), firstRss,
                        restart.toMillis(), restartRss, pg.rssMiB());
                System.out.printf("[payara-micro+pg] recovery scans of the PG pool (pg_prepared_xacts): %d at the first"
                        + " boot, 1+ at the restart, %d ms after /api/v1/version answered%n", firstBootScans,
                        scan.toMillis());
            } finally {
                for (Process p : new Process[] {first, second}) {
                    if (p != null && p.isAlive()) {
                        p.destroyForcibly();
                        p.waitFor();
                    }
                }
            }
        }
    }

    private static void assertPostgresPoolAndRecoveryOn(Path rootdir, Postgres pg) throws IOException {
        String domain = Files.readString(rootdir.resolve("config/domain.xml"));
        assertTrue(domain.contains("<transaction-service automatic-recovery=\"true\""), "automatic-recovery in domain.xml");
        Matcher pool = Pattern.compile("<jdbc-connection-pool [^>]*name=\"satpLogPool\"[^>]*>(.*?)</jdbc-connection-pool>",
                Pattern.DOTALL).matcher(domain);
        assertTrue(pool.find(), "the log's pool is in domain.xml");
        String element = pool.group();
        assertTrue(element.contains("datasource-classname=\"org.postgresql.xa.PGXADataSource\""), element);
        assertTrue(element.contains("res-type=\"javax.sql.XADataSource\""), element);
        assertTrue(element.contains("<property name=\"portNumber\" value=\"" + pg.port() + "\""), element);
        assertTrue(element.contains("<property name=\"databaseName\" value=\"" + DATABASE + "\""), element);
        assertTrue(domain.contains("<jdbc-resource pool-name=\"satpLogPool\" jndi-name=\"jdbc/satpLog\""), "jdbc/satpLog");
    }

    private static List<String> logTables(Postgres pg) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = pg.connect(DATABASE); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = 'public' AND table_name LIKE 'satp%' ORDER BY table_name")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        return tables;
    }

    /** Waits for the recovery scan of the PG pool after {@code offset} in PostgreSQL's log (it may follow readiness). */
    private static Duration awaitRecoveryScan(Postgres pg, int offset, Process micro) throws Exception {
        Instant start = Instant.now();
        while (Duration.between(start, Instant.now()).compareTo(RECOVERY_SCAN) < 0) {
            String log = read(pg.log());
            if (countScans(log.substring(Math.min(offset, log.length()))) > 0) {
                return Duration.between(start, Instant.now());
            }
            assertTrue(micro.isAlive(), "Payara Micro exited");
            Thread.sleep(250);
        }
        fail("no recovery scan (" + RECOVER_QUERY + ") of the PostgreSQL pool within " + RECOVERY_SCAN + " of the"
                + " restart answering; see " + pg.log());
        return null;
    }

    /** A log as text (never fails on a stray byte that is not UTF-8). */
    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    private static long countScans(String postgresLog) {
        return postgresLog.lines().filter(l -> l.contains(RECOVER_QUERY)).count();
    }

    /**
     * Writes {@code template} to {@code to} with each {@code @NAME@} replaced by its value, ':' and '=' escaped for an
     * asadmin {@code --property} list; a placeholder left without a value fails.
     */
    static Path render(Path template, Path to, Map<String, String> values) throws IOException {
        Map<String, String> escaped = new LinkedHashMap<>();
        values.forEach((k, v) -> escaped.put(k, v.replace(":", "\\:").replace("=", "\\=")));
        Matcher m = Pattern.compile("@([A-Z_]+)@").matcher(Files.readString(template));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = escaped.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for " + m.group() + " in " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Files.writeString(to, out);
    }

    private static Process start(Path rootdir, int port, Path preboot, boolean deploy, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", MICRO.toString(), "--nocluster",
                "--rootdir", rootdir.toString(), "--port", Integer.toString(port),
                "--addlibs", DRIVER.toAbsolutePath().toString(),
                "--prebootcommandfile", preboot.toAbsolutePath().toString()));
        if (deploy) {
            cmd.addAll(List.of("--deploy", WAR.toAbsolutePath().toString(), "--contextroot", "/"));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Duration awaitVersion(Process p, int port, String label, Path logs) throws InterruptedException {
        Instant start = Instant.now();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/version"))
                .timeout(Duration.ofSeconds(5)).build();
        while (Duration.between(start, Instant.now()).compareTo(BOOT) < 0) {
            assertTrue(p.isAlive(), () -> label + ": Payara Micro exited with " + p.exitValue() + ", see its log in " + logs);
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
}
