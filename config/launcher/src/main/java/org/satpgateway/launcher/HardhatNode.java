package org.satpgateway.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EVM chain for a gateway's ledger: a Hardhat node ({@code config/evm}, {@code hardhat node}) on 127.0.0.1 with a
 * chain id of its own and either automine (a block for each transaction) or interval mining (a block every n ms).
 * Hardhat keeps its chain in memory: stopping the node loses it, so a test that wants a node that hangs uses
 * {@link #pause()} and {@link #resume()} (SIGSTOP, SIGCONT), never a kill.
 *
 * <p>The node's funded accounts are Hardhat's well-known development accounts (publicly known keys: never on a real
 * network); {@link #accountKey(int)} gives the private key of the n-th, so that each gateway signs with its own.
 * When {@code config/evm/node_modules} is missing, {@code npm ci} installs the pinned Hardhat first.
 */
public final class HardhatNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HardhatNode.class.getName());
    private static final Pattern PRIVATE_KEY = Pattern.compile("Private Key: (0x[0-9a-fA-F]{64})");

    private final Path evmDir;
    private final Path log;
    private final int port;
    private final long chainId;
    private final long intervalMs;
    private final List<String> keys = new ArrayList<>();
    private Process process;

    /**
     * @param evmDir the npm project config/evm
     * @param log the node's output (appended)
     * @param intervalMs 0 for automine, else a block every {@code intervalMs}
     */
    public HardhatNode(Path evmDir, Path log, int port, long chainId, long intervalMs) {
        this.evmDir = evmDir.toAbsolutePath().normalize();
        this.log = log.toAbsolutePath();
        this.port = port;
        this.chainId = chainId;
        this.intervalMs = intervalMs;
    }

    /** The node of the repository's config/evm. */
    public static HardhatNode of(Layout layout, Path log, int port, long chainId, long intervalMs) {
        return new HardhatNode(layout.root().resolve("config/evm"), log, port, chainId, intervalMs);
    }

    /** Runs {@code npm ci} in {@code evmDir} when its node_modules is missing. */
    public static void install(Path evmDir) throws IOException, InterruptedException {
        if (Files.isExecutable(evmDir.resolve("node_modules/.bin/hardhat"))) {
            return;
        }
        LOG.info("installing Hardhat and solc-js: npm ci in " + evmDir);
        Path out = evmDir.resolve("npm-ci.log");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(evmDir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!npm.waitFor(10, TimeUnit.MINUTES)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci in " + evmDir + " took more than 10 minutes, see " + out);
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci in " + evmDir + " failed with " + npm.exitValue() + ", see " + out);
        }
        LOG.info("npm ci in " + evmDir + " done");
    }

    /** Starts the node and waits until it answers {@code eth_chainId} with its chain id. */
    public HardhatNode start() throws IOException, InterruptedException {
        install(evmDir);
        Files.createDirectories(log.getParent());
        long skip = Processes.lineCount(log);
        ProcessBuilder pb = new ProcessBuilder(evmDir.resolve("node_modules/.bin/hardhat").toString(), "node",
                "--hostname", "127.0.0.1", "--port", Integer.toString(port))
                .directory(evmDir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("HARDHAT_CHAIN_ID", Long.toString(chainId));
        pb.environment().put("HARDHAT_INTERVAL_MS", Long.toString(intervalMs));
        pb.environment().put("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true");
        process = pb.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Hardhat node exited with " + process.exitValue() + ", see " + log);
            }
            try {
                String answer = rpc(http, "eth_chainId", "[]");
                if (answer.contains("\"0x" + Long.toHexString(chainId) + "\"")) {
                    readKeys(skip);
                    LOG.info("Hardhat node on " + url() + ", chain " + chainId + ", "
                            + (intervalMs > 0 ? "a block every " + intervalMs + " ms" : "automine") + ", pid " + process.pid());
                    return this;
                }
                throw new IllegalStateException("the node on port " + port + " answered " + answer + ", not chain " + chainId);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        Processes.stop(process, Duration.ofSeconds(5));
        throw new IllegalStateException("the Hardhat node did not answer within 90 s, see " + log);
    }

    private void readKeys(long skip) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (keys.isEmpty() && System.nanoTime() < deadline) {
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                lines.skip(skip).forEach(l -> {
                    Matcher m = PRIVATE_KEY.matcher(l);
                    if (m.find()) {
                        keys.add(m.group(1));
                    }
                });
            }
            if (keys.isEmpty()) {
                Thread.sleep(50);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("the Hardhat node listed no accounts, see " + log);
        }
    }

    /** A JSON-RPC call to the node (for tests: {@code evm_snapshot}, {@code evm_mine}, ...); the response's text. */
    public String rpc(String method, String paramsJson) throws IOException, InterruptedException {
        return rpc(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(), method, paramsJson);
    }

    private String rpc(HttpClient http, String method, String paramsJson) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                        + "\",\"params\":" + paramsJson + "}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long chainId() {
        return chainId;
    }

    /** How many funded accounts the node has. */
    public int accounts() {
        return keys.size();
    }

    /** The private key (hex, 0x...) of the node's n-th funded development account. */
    public String accountKey(int n) {
        return keys.get(n);
    }

    /** True while the node's process runs. */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Freezes the node (SIGSTOP): it keeps its chain and its port but answers nothing until {@link #resume()}. */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a paused node run again (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the node (its chain is gone). */
    public void stop() {
        if (process != null && process.isAlive()) {
            resume(); // a stopped process does not act on SIGTERM
            Processes.stop(process, Duration.ofSeconds(10));
        }
    }

    @Override
    public void close() {
        stop();
    }
}
