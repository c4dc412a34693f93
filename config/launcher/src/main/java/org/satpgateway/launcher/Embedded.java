package org.satpgateway.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded default on one machine: G1 (bank-one, ledger-one, the client side) and G2 (bank-two, ledger-two, the
 * server side), each on Payara Micro with its own Artemis broker, H2 log and reference ledger. Each trusts the
 * other's signing key, read from the other's data folder.
 */
public final class Embedded implements AutoCloseable {
    /** What to start, and where. */
    public record Options(Path workDir, int g1Http, int g2Http, int g1Broker, int g2Broker, List<String> jvmOptions,
            Map<String, String> g1Settings, Map<String, String> g2Settings, List<String> extraArgs) {

        /** Fixed, documented ports for a person to use. */
        public static Options standard(Path workDir) {
            return new Options(workDir, 18081, 18082, 61617, 61618, defaultJvmOptions(), Map.of(), Map.of(), List.of());
        }

        /** Free ports (tests). */
        public static Options freePorts(Path workDir) throws IOException {
            return new Options(workDir, freePort(), freePort(), freePort(), freePort(), defaultJvmOptions(), Map.of(),
                    Map.of(), List.of());
        }

        public Options withSettings(Map<String, String> g1, Map<String, String> g2) {
            return new Options(workDir, g1Http, g2Http, g1Broker, g2Broker, jvmOptions, g1, g2, extraArgs);
        }
    }

    private final Options options;
    private final BrokerNode b1;
    private final BrokerNode b2;
    private final GatewayNode g1;
    private final GatewayNode g2;

    public Embedded(Layout layout, Options o) {
        this.options = o;
        Path w = o.workDir().toAbsolutePath();
        b1 = new BrokerNode(layout, w.resolve("g1"), o.g1Broker());
        b2 = new BrokerNode(layout, w.resolve("g2"), o.g2Broker());
        g1 = new GatewayNode(layout, "G1", w.resolve("g1"), o.g1Http(), o.g1Broker(),
                settings("gateway-one", "ledger-one", "bank-one", w.resolve("g1"), "gateway-two", "ledger-two", "bank-two",
                        w.resolve("g2"), o.g2Http(), o.g1Settings()), o.jvmOptions(), o.extraArgs());
        g2 = new GatewayNode(layout, "G2", w.resolve("g2"), o.g2Http(), o.g2Broker(),
                settings("gateway-two", "ledger-two", "bank-two", w.resolve("g2"), "gateway-one", "ledger-one", "bank-one",
                        w.resolve("g1"), o.g1Http(), o.g2Settings()), o.jvmOptions(), o.extraArgs());
    }

    private static Map<String, String> settings(String id, String network, String owner, Path dir, String peerId,
            String peerNetwork, String peerOwner, Path peerDir, int peerHttp, Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("gateway.id", id);
        s.put("gateway.network", network);
        s.put("gateway.owner", owner);
        s.put("gateway.data-dir", dir.resolve("data").toString());
        s.put("gateway.peer.id", peerId);
        s.put("gateway.peer.network", peerNetwork);
        s.put("gateway.peer.owner", peerOwner);
        s.put("gateway.peer.endpoint", "http://127.0.0.1:" + peerHttp + "/satp/v1/messages");
        s.put("gateway.peer.key-file", peerDir.resolve("data/gateway.public.jwk").toString());
        s.put("gateway.ledger.issuing", "true");
        s.putAll(extra);
        return s;
    }

    /** Starts both brokers, then both gateways, and waits until both answer; returns the gateways' start-up time. */
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        b1.start();
        b2.start();
        long t0 = System.nanoTime();
        g1.launch();
        g2.launch();
        g1.awaitReady(client(g1), timeout);
        g2.awaitReady(client(g2), timeout);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    public GatewayNode g1() {
        return g1;
    }

    public GatewayNode g2() {
        return g2;
    }

    public BrokerNode broker1() {
        return b1;
    }

    public BrokerNode broker2() {
        return b2;
    }

    public Options options() {
        return options;
    }

    public static GatewayClient client(GatewayNode g) {
        return new GatewayClient(g.baseUri());
    }

    /** Every process, for memory figures: name to pid. */
    public Map<String, Long> pids() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("broker G1", b1.pid());
        m.put("broker G2", b2.pid());
        if (g1.alive()) {
            m.put("gateway G1", g1.pid());
        }
        if (g2.alive()) {
            m.put("gateway G2", g2.pid());
        }
        return m;
    }

    /** Stops the gateways, then the brokers. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable c : new AutoCloseable[] {g1, g2, b1, b2}) {
            try {
                c.close();
            } catch (Exception e) {
                failures.add(new RuntimeException(e));
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    static List<String> defaultJvmOptions() {
        String env = System.getenv("SATP_GATEWAY_JAVA_OPTS");
        return env != null ? List.of(env.trim().split("\\s+")) : List.of("-XX:TieredStopAtLevel=1");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
