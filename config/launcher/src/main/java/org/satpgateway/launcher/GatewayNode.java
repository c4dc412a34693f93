package org.satpgateway.launcher;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One gateway on Payara Micro, the way it must run to survive crashes (docs/runtime-notes.md): always the same
 * {@code --rootdir}; on the first start the pre-boot file that turns transaction recovery on and creates the log's
 * server-level XA pool, the post-boot file that deploys the resource adapter and the JMS connection factory, and
 * {@code --deploy}; on every later start only the restart pre-boot file and no deploy, so that in-doubt transactions
 * are recovered against the same resources. The first pre-boot file also sets up the peer listener (HTTPS, mutual
 * TLS 1.3, {@code config/payara/preboot-tls.asadmin}) with the key store and trust store of the gateway's data folder,
 * and the post-boot file gives the resource adapter and the connection pool the gateway's broker user
 * ({@link #brokerCredentials}).
 */
public final class GatewayNode implements AutoCloseable {
    private final Layout layout;
    private final String name;
    private final Path dir;
    private final int httpPort;
    private final int peerPort;
    private final int brokerPort;
    private final Map<String, String> settings;
    private List<String> jvmOptions;
    private final List<String> extraArgs;
    private Process process;
    private String accessToken;
    private String logDatabasePassword;
    private BrokerNode.Credentials brokerCredentials;
    private Path firstPreboot;
    private int starts;

    /**
     * @param settings the gateway's {@code gateway.*} settings, passed as system properties on every start
     * @param extraArgs more Payara Micro arguments for every start (for example {@code --addlibs} for a JDBC driver)
     */
    public GatewayNode(Layout layout, String name, Path dir, int httpPort, int peerPort, int brokerPort,
            Map<String, String> settings, List<String> jvmOptions, List<String> extraArgs) {
        this.layout = layout;
        this.name = name;
        this.dir = dir;
        this.httpPort = httpPort;
        this.peerPort = peerPort;
        this.brokerPort = brokerPort;
        this.settings = new LinkedHashMap<>(settings);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.extraArgs = List.copyOf(extraArgs);
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    public Path rootDir() {
        return dir.resolve("micro-root");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /**
     * Payara's transaction log ({@code <rootdir>/logs/server/tx}). It must exist before the first start: only then
     * does the transaction manager's recovery at boot open (create) the log, before any transaction may begin. When
     * it is missing, recovery is skipped and the log is opened lazily by the first two-phase commits, without a lock:
     * two of them at once open it twice, and the second can start its records at LSN 0 whose back pointer is itself,
     * so later boots' recovery reads that record forever, runs out of heap, and leaves the XA branches it should
     * resolve in doubt (docs/runtime-notes.md).
     */
    public Path transactionLog() {
        return rootDir().resolve("logs/server/tx");
    }

    /** The H2 log database file of the embedded default. */
    public Path logDatabase() {
        return rootDir().resolve("data/satplog.mv.db");
    }

    public Path log() {
        return dir.resolve("gateway.log");
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/");
    }

    public int httpPort() {
        return httpPort;
    }

    /** The port of the peer listener: HTTPS with mutual TLS 1.3, where {@code POST /satp/v1/messages} is served. */
    public int peerPort() {
        return peerPort;
    }

    /** The peer endpoint's URL. */
    public URI peerEndpoint() {
        return URI.create("https://127.0.0.1:" + peerPort + "/satp/v1/messages");
    }

    /** The token the launcher calls this gateway's back-office and operator interfaces with. */
    public String accessToken() {
        return accessToken;
    }

    public GatewayNode accessToken(String token) {
        this.accessToken = token;
        return this;
    }

    /** The password of the log's H2 database (the first start creates it with this password). */
    public String logDatabasePassword() {
        return logDatabasePassword;
    }

    public GatewayNode logDatabasePassword(String password) {
        this.logDatabasePassword = password;
        return this;
    }

    /** The broker user the gateway connects as (its resource adapter and connection pool; the first start writes it). */
    public BrokerNode.Credentials brokerCredentials() {
        return brokerCredentials;
    }

    public GatewayNode brokerCredentials(BrokerNode.Credentials credentials) {
        this.brokerCredentials = credentials;
        return this;
    }

    /** A client of this gateway's back-office and operator interfaces, with {@link #accessToken()}. */
    public GatewayClient client() {
        return new GatewayClient(baseUri(), accessToken);
    }

    /** Changes a setting for the next starts; a null value removes it. */
    public GatewayNode setting(String key, String value) {
        if (value == null) {
            settings.remove(key);
        } else {
            settings.put(key, value);
        }
        return this;
    }

    /** Makes {@code file} anew, empty and readable and writable by its owner only, for a file that holds secrets. */
    private static void ownerOnly(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }

    /** The gateway's settings as passed on every start. */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** True once the rootdir holds a domain: the next start is a restart (no deploy). */
    public boolean initialised() {
        return Files.isRegularFile(rootDir().resolve("config/domain.xml"));
    }

    /** Starts the JVM (first start or restart, as the rootdir says); returns at once. Wait with {@link #awaitReady}. */
    public GatewayNode launch() throws IOException {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        Files.createDirectories(dataDir());
        Files.createDirectories(transactionLog());
        // the gateway's folder holds its rootdir, whose domain.xml keeps passwords in clear: the owner's only
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path props = dir.resolve("gateway.properties");
        Properties p = new Properties();
        p.putAll(settings);
        p.put("gateway.peer-listener.port", Integer.toString(peerPort));
        p.put("hazelcast.socket.bind.any", "false"); // with preboot-tls.asadmin: Hazelcast on the loopback address only
        ownerOnly(props); // the settings hold passwords
        try (Writer w = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
            p.store(w, "settings of gateway " + name + " (written by the launcher on every start)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Processes.java());
        cmd.addAll(jvmOptions);
        // no data grid: a gateway shares nothing through Hazelcast (sessions are owned through the log's lease), and
        // starting the grid's member costs seconds on every start
        cmd.addAll(List.of("-jar", layout.payaraMicro().toString(), "--nocluster", "--nohazelcast",
                "--rootdir", rootDir().toString(), "--port", Integer.toString(httpPort),
                "--systemproperties", props.toString()));
        if (initialised()) {
            cmd.addAll(List.of("--prebootcommandfile", layout.payaraCommands("preboot-restart.asadmin").toString(),
                    "--postbootcommandfile", layout.payaraCommands("postboot-restart.asadmin").toString()));
        } else {
            java.util.Objects.requireNonNull(brokerCredentials, "the gateway's broker user");
            Path postboot = dir.resolve("postboot-first.asadmin");
            ownerOnly(postboot); // it holds the broker user's password
            Files.writeString(postboot, Files.readString(layout.payaraCommands("postboot-first.asadmin"))
                    .replace("@BROKER_PORT@", Integer.toString(brokerPort))
                    .replace("@BROKER_USER@", asadminValue(brokerCredentials.user()))
                    .replace("@BROKER_PASSWORD@", asadminValue(brokerCredentials.password()))
                    .replace("@RAR@", layout.rar().toString()));
            Path preboot = dir.resolve("preboot-first.asadmin");
            ownerOnly(preboot); // it holds the log database's and the key stores' passwords
            Files.writeString(preboot, Files.readString(firstPreboot()).replace("@LOG_DB_PASSWORD@",
                    asadminValue(java.util.Objects.requireNonNull(logDatabasePassword, "the log database's password")))
                    + System.lineSeparator()
                    + Files.readString(layout.payaraCommands("preboot-tls.asadmin"))
                            .replace("@PEER_PORT@", Integer.toString(peerPort))
                            .replace("@KEY_STORE@", asadminValue(setting("gateway.tls.key-store", dataDir().resolve("tls.p12"))))
                            .replace("@KEY_STORE_PASSWORD@", asadminValue(settings.get("gateway.tls.key-store-password")))
                            .replace("@TRUST_STORE@", asadminValue(setting("gateway.tls.trust-store", dataDir().resolve("trust.p12"))))
                            .replace("@TRUST_STORE_PASSWORD@", asadminValue(settings.get("gateway.tls.trust-store-password"))));
            cmd.addAll(List.of("--prebootcommandfile", preboot.toString(),
                    "--postbootcommandfile", postboot.toString(),
                    "--deploy", layout.war().toString(), "--contextroot", "/"));
        }
        cmd.addAll(extraArgs);
        Files.writeString(log(), "---- start " + (++starts) + ": " + String.join(" ", cmd) + System.lineSeparator(),
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        return this;
    }

    /** JVM options for the next starts (for example a Java agent that injects faults in tests). */
    public GatewayNode jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** The JVM's process, for its exit status. */
    public Process process() {
        return process;
    }

    /**
     * The pre-boot file of the first start: recovery on and the log's XA pool. By default H2 in the rootdir
     * ({@code config/payara/preboot-first.asadmin}); another file points the log at another database.
     */
    public GatewayNode firstPreboot(Path file) {
        this.firstPreboot = file;
        return this;
    }

    private Path firstPreboot() {
        return firstPreboot != null ? firstPreboot : layout.payaraCommands("preboot-first.asadmin");
    }

    private String setting(String key, Path fallback) {
        return settings.getOrDefault(key, fallback.toAbsolutePath().toString());
    }

    /** A value for an asadmin {@code set}: its ':' and '=' would be read as separators, so they are refused here. */
    private static String asadminValue(String v) {
        if (v.matches(".*[:=\\s].*")) {
            throw new IllegalArgumentException("an asadmin value may not hold ':', '=' or spaces: " + v);
        }
        return v;
    }

    /** Waits until the gateway answers and is ready (start-up recovery done); fails when the JVM exits first. */
    public Duration awaitReady(GatewayClient client, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see " + log());
            }
            if (client.ready()) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not answer within " + timeout + ", see " + log());
    }

    public long rssMiB() {
        return alive() ? Processes.rssMiB(process.pid()) : -1;
    }

    /** kill -9: the crash the gateway must survive. */
    public void kill9() {
        Processes.kill9(process);
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(20));
    }
}
