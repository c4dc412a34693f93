package org.satpgateway.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One gateway's Artemis broker in a JVM of its own (config/broker), listening on 127.0.0.1 only. */
public final class BrokerNode implements AutoCloseable {
    static final String READY = "SATP-BROKER READY";

    private final Layout layout;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process process;

    public BrokerNode(Layout layout, Path dir, int port) {
        this.layout = layout;
        this.dataDir = dir.resolve("broker-data");
        this.log = dir.resolve("broker.log");
        this.port = port;
    }

    /** Starts the broker and waits for it to listen. */
    public BrokerNode start() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        long skip = Processes.lineCount(log);
        process = new ProcessBuilder(List.of(Processes.java(), "-Xms64m", "-Xmx256m",
                "-Dsatp.broker.data=" + dataDir, "-Dsatp.broker.port=" + port, "-Dsatp.broker.host=127.0.0.1",
                "-cp", layout.brokerJar().toString(), "org.satpgateway.config.broker.BrokerMain", layout.brokerXml().toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (var lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
                if (lines.skip(skip).anyMatch(l -> l.startsWith(READY))) {
                    return this;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + ", see " + log);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the broker did not start within 60 s, see " + log);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public void kill9() {
        Processes.kill9(process);
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(15));
    }
}
