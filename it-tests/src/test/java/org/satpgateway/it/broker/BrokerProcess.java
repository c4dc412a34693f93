package org.satpgateway.it.broker;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A broker started with config/run-broker.sh in its own JVM (the script execs java, so the pid is the JVM's), with
 * the users file {@link #USERS_FILE} (users gateway, back-office and operator, each in the role of the same name,
 * with passwords generated for this test run) unless the environment given names another one.
 */
final class BrokerProcess implements AutoCloseable {

    static final String READY = "SATP-BROKER READY"; // printed by BrokerMain
    static final String FAILED = "SATP-BROKER FAILED"; // printed by BrokerMain before it exits with 1
    static final Path ROOT = Path.of(System.getProperty("satp.root", "..")).toAbsolutePath().normalize();
    static final Path WORK = Path.of(System.getProperty("satp.work", "target/it")).toAbsolutePath().normalize();
    /** The users and their passwords, generated once per test JVM. */
    static final Map<String, String> PASSWORDS = passwords("gateway", "back-office", "operator");
    static final Path USERS_FILE = WORK.resolve("broker-users.properties");

    final Path dataDir;
    final int port;
    final Path log;
    final Process process;
    /** From process start to the READY line, measured outside the broker (includes JVM start). */
    final long startMillis;

    private BrokerProcess(Path dataDir, int port, Path log, Process process, long startMillis) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
        this.process = process;
        this.startMillis = startMillis;
    }

    static BrokerProcess start(Path dataDir, int port, String logName) throws Exception {
        return start(dataDir, port, logName, Map.of());
    }

    static BrokerProcess start(Path dataDir, int port, String logName, Map<String, String> env) throws Exception {
        Path script = ROOT.resolve("run-broker.sh");
        if (!Files.isRegularFile(ROOT.resolve("broker/target/satp-broker.jar"))) {
            throw new IllegalStateException("broker not packaged: run 'mvn verify' from " + ROOT);
        }
        Files.createDirectories(WORK);
        Path log = WORK.resolve(logName + ".log");
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), dataDir.toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = new HashMap<>();
        environment.put("BROKER_USERS", writeUsersFile(USERS_FILE, PASSWORDS).toString());
        environment.putAll(env);
        pb.environment().putAll(environment);
        long lines = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        long t0 = System.nanoTime();
        Process p = pb.start();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).stream().skip(lines)
                    .anyMatch(l -> l.startsWith(READY))) {
                return new BrokerProcess(dataDir, port, log, p, (System.nanoTime() - t0) / 1_000_000);
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("broker exited with " + p.exitValue() + ", see " + log);
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("broker not ready in 60 s, see " + log);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** A connection factory that connects as one of {@link #PASSWORDS}' users. */
    ActiveMQConnectionFactory factory(String user) {
        return new ActiveMQConnectionFactory(url(), user, PASSWORDS.get(user));
    }

    /** Generated passwords for these users (24 random letters and digits each). */
    static Map<String, String> passwords(String... users) {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        Map<String, String> m = new LinkedHashMap<>();
        for (String user : users) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            m.put(user, b.toString());
        }
        return Map.copyOf(m);
    }

    /** Writes a users file (owner-only) where each user has its password and the role of the same name. */
    static Path writeUsersFile(Path file, Map<String, String> passwords) throws IOException {
        StringBuilder text = new StringBuilder();
        passwords.forEach((user, password) -> text.append("user.").append(user).append('=').append(password).append('\n')
                .append("roles.").append(user).append('=').append(user).append('\n'));
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, text);
    }

    /** The SATP-BROKER FAILED line of a broker that did not start, from its log. */
    static String failure(String logName) throws IOException {
        return Files.readAllLines(WORK.resolve(logName + ".log")).stream().filter(l -> l.startsWith(FAILED))
                .reduce((a, b) -> b).orElse("(no " + FAILED + " line)");
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size of the broker JVM in MiB, from /proc. */
    long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** kill -9: no shutdown hook, no journal close. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** kill (SIGTERM); returns the exit code, and the time to exit through {@code elapsed[0]}. */
    int sigterm(Duration timeout, long[] elapsedMillis) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("broker did not stop within " + timeout);
        }
        elapsedMillis[0] = (System.nanoTime() - t0) / 1_000_000;
        return process.exitValue();
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static Path freshDir(String name) throws IOException {
        Path dir = WORK.resolve(name);
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }
}
