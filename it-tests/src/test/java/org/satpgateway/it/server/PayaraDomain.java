package org.satpgateway.it.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A Payara Server domain of its own, created under a work folder from an unpacked distribution, driven with
 * {@code asadmin} (through {@code sh}, so the executable bits of the unpacked zip do not matter, and with the JDK that
 * runs the tests as {@code AS_JAVA}). Every asadmin output goes to {@code asadmin.log} in the work folder.
 * <p>
 * {@code start-domain} returns before the domain has loaded its applications: wait for what you need (for example
 * {@link #pingConnectionPool}) before using them.
 */
final class PayaraDomain implements AutoCloseable {

    final Path home;
    final Path domainsDir;
    final String name;
    final int portBase;
    final int adminPort;
    final int httpPort;
    private final Path asadminLog;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Ports follow create-domain's --portbase: admin + 48, HTTP + 80 (and IIOP + 37 ... JMX + 86). */
    PayaraDomain(Path home, Path workDir, String name, int portBase) {
        this.home = home;
        this.domainsDir = workDir.resolve("domains");
        this.name = name;
        this.portBase = portBase;
        this.adminPort = portBase + 48;
        this.httpPort = portBase + 80;
        this.asadminLog = workDir.resolve("asadmin.log");
    }

    Path dir() {
        return domainsDir.resolve(name);
    }

    Path domainXml() {
        return dir().resolve("config/domain.xml");
    }

    Path serverLog() {
        return dir().resolve("logs/server.log");
    }

    /** Removes what an earlier run left (killing its server JVM if it still runs), then creates the domain. */
    void create() throws IOException, InterruptedException {
        killLeftOver();
        deleteRecursively(domainsDir);
        Files.createDirectories(domainsDir);
        asadmin(Duration.ofMinutes(3), "create-domain", "--nopassword", "--portbase", Integer.toString(portBase),
                "--domaindir", domainsDir.toString(), name);
    }

    void start() throws IOException, InterruptedException {
        asadmin(Duration.ofMinutes(4), "start-domain", "--domaindir", domainsDir.toString(), name);
    }

    /**
     * Runs an asadmin multimode file against the running domain. multimode exits 0 even when one of its commands
     * fails, so each command must report "executed successfully".
     */
    String multimode(Path file) throws IOException, InterruptedException {
        long commands;
        try (Stream<String> lines = Files.lines(file)) {
            commands = lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
        }
        String out = asadmin(Duration.ofMinutes(4), "--port", Integer.toString(adminPort), "multimode",
                "--file", file.toString());
        long succeeded = out.lines().filter(l -> l.startsWith("Command ") && l.endsWith(" executed successfully.")
                && !l.startsWith("Command multimode ")).count();
        if (succeeded != commands || out.lines().anyMatch(l -> l.startsWith("Command ") && l.endsWith(" failed."))) {
            throw new IllegalStateException(succeeded + " of " + commands + " commands of " + file
                    + " succeeded:\n" + out);
        }
        return out;
    }

    /**
     * {@code create-password-alias}: the password is kept in the domain's encrypted alias store and
     * {@code ${ALIAS=name}} stands for it in domain.xml. It travels in an owner-only password file, deleted after.
     */
    void createPasswordAlias(String alias, String password) throws IOException, InterruptedException {
        Path file = Files.createTempFile(asadminLog.getParent(), "alias", ".txt",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(file, "AS_ADMIN_ALIASPASSWORD=" + password + "\n");
            asadmin(Duration.ofMinutes(2), "--port", Integer.toString(adminPort), "--passwordfile", file.toString(),
                    "create-password-alias", alias);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    void deploy(Path archive, String appName) throws IOException, InterruptedException {
        asadmin(Duration.ofMinutes(4), "--port", Integer.toString(adminPort), "deploy", "--name", appName,
                archive.toString());
    }

    /** {@code ping-connection-pool} through the admin REST interface (no asadmin JVM); true on SUCCESS. */
    boolean pingConnectionPool(String pool) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/management/domain/resources/ping-connection-pool.json?id=" + pool))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"exit_code\":\"SUCCESS\"");
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * The running server JVM, from the pid file the domain writes when it starts; only a process whose command line
     * names this domain's folder (a stale pid file may name a pid that was given to another process since).
     */
    Optional<ProcessHandle> server() throws IOException {
        Path pidFile = dir().resolve("config/pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        String pid = Files.readString(pidFile).strip();
        String domainDir = dir().toString();
        return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(domainDir)).orElse(false));
    }

    /** Resident set size of the server JVM in MiB, from /proc/&lt;pid&gt;/status (VmRSS). */
    long rssMiB() throws IOException {
        ProcessHandle server = server().orElseThrow(() -> new IllegalStateException("the server JVM is not running"));
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /**
     * Waits up to {@code timeout} for the server JVM to exit; true if it did. Used as the pause between two polls,
     * so that a server that dies is noticed at once.
     */
    boolean exitsWithin(Duration timeout) throws IOException, InterruptedException {
        Optional<ProcessHandle> server = server();
        if (server.isEmpty()) {
            return true;
        }
        try {
            server.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code stop-domain}; kill -9 the server JVM if that fails or leaves it running. */
    void stop() throws IOException, InterruptedException {
        Optional<ProcessHandle> server = server();
        if (server.isEmpty()) {
            return;
        }
        Duration grace = Duration.ofSeconds(15);
        try {
            asadmin(Duration.ofSeconds(90), "stop-domain", "--domaindir", domainsDir.toString(), name);
        } catch (IOException | IllegalStateException e) {
            System.out.println("[payara-server] stop-domain failed, killing the server JVM: " + e.getMessage());
            grace = Duration.ZERO;
        } finally {
            kill(server.get(), grace);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the domain");
        }
    }

    private void killLeftOver() throws IOException, InterruptedException {
        Optional<ProcessHandle> leftOver = server();
        if (leftOver.isPresent()) {
            System.out.println("[payara-server] killing a server JVM left by an earlier run: " + leftOver.get().pid());
            kill(leftOver.get(), Duration.ZERO);
        }
    }

    /** Waits {@code grace} for the JVM to exit by itself, then kills it (SIGKILL) and waits for it to be gone. */
    private static void kill(ProcessHandle jvm, Duration grace) throws InterruptedException {
        try {
            jvm.onExit().get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
            jvm.destroyForcibly();
            try {
                jvm.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IllegalStateException("server JVM " + jvm.pid() + " survived kill -9", e);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs asadmin, appends its output to asadmin.log and returns it; fails on a non-zero exit or a time-out. */
    String asadmin(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin/asadmin").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(asadminLog.getParent(), "asadmin", ".out");
        try {
            // Output to a file, never a pipe: start-domain leaves a server JVM behind that may inherit it.
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().put("AS_JAVA", System.getProperty("java.home"));
            Process process = builder.start();
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.writeString(asadminLog, "$ asadmin " + String.join(" ", args) + "\n" + output + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (!exited) {
                throw new IllegalStateException("asadmin " + args[0] + " did not end within " + timeout + ":\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("asadmin " + String.join(" ", args) + " exited with "
                        + process.exitValue() + ":\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
