package org.satpgateway.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.satpgateway.core.crypto.Certificates;
import org.satpgateway.ejb.config.PkiFiles;

/**
 * The embedded default on one machine: G1 (bank-one, ledger-one, the client side) and G2 (bank-two, ledger-two, the
 * server side), each on Payara Micro with its own Artemis broker, H2 log and reference ledger. Each organisation
 * has its own root; each gateway trusts the other organisation's root, talks to the other over mutual TLS 1.3 and
 * reads the other's signing certificate from the other's data folder.
 */
public final class Embedded implements AutoCloseable {
    /** What to start, and where. */
    public record Options(Path workDir, int g1Http, int g2Http, int g1Peer, int g2Peer, int g1Broker, int g2Broker,
            List<String> jvmOptions, Map<String, String> g1Settings, Map<String, String> g2Settings,
            List<String> extraArgs, Evm evm) {

        /** Fixed, documented ports for a person to use. */
        public static Options standard(Path workDir) {
            return new Options(workDir, 18081, 18082, 18441, 18442, 61617, 61618, defaultJvmOptions(), Map.of(), Map.of(),
                    List.of(), null);
        }

        /** Free ports (tests). */
        public static Options freePorts(Path workDir) throws IOException {
            return new Options(workDir, freePort(), freePort(), freePort(), freePort(), freePort(), freePort(),
                    defaultJvmOptions(), Map.of(), Map.of(), List.of(), null);
        }

        public Options withSettings(Map<String, String> g1, Map<String, String> g2) {
            return new Options(workDir, g1Http, g2Http, g1Peer, g2Peer, g1Broker, g2Broker, jvmOptions, g1, g2, extraArgs,
                    evm);
        }

        public Options withJvmOptions(List<String> options) {
            return new Options(workDir, g1Http, g2Http, g1Peer, g2Peer, g1Broker, g2Broker, options, g1Settings,
                    g2Settings, extraArgs, evm);
        }

        public Options withExtraArgs(List<String> args) {
            return new Options(workDir, g1Http, g2Http, g1Peer, g2Peer, g1Broker, g2Broker, jvmOptions, g1Settings,
                    g2Settings, args, evm);
        }

        /** Both gateways on EVM ledgers: one Hardhat node per ledger, instead of the reference ledgers. */
        public Options withEvmLedgers(Evm chains) {
            return new Options(workDir, g1Http, g2Http, g1Peer, g2Peer, g1Broker, g2Broker, jvmOptions, g1Settings,
                    g2Settings, extraArgs, chains);
        }
    }

    /**
     * Two EVM chains for the two ledgers (ledger-one on chain {@link #CHAIN_ONE}, ledger-two on chain
     * {@link #CHAIN_TWO}), each a Hardhat node on its port; {@code intervalMs} 0 mines a block per transaction, else a
     * block every {@code intervalMs}; an action counts as done after {@code confirmations} blocks. Each gateway signs
     * with a development account of its chain and operates the {@code AssetCustody} contract it deployed there.
     *
     * @param ledgers which gateways run on a chain: "both", or "G2" (G1 keeps the reference ledger)
     */
    public record Evm(int port1, int port2, long intervalMs, int confirmations, String ledgers) {
        public static final long CHAIN_ONE = 1001;
        public static final long CHAIN_TWO = 1002;
        /** The development account a gateway signs with (account 0 is left to people trying things). */
        static final int GATEWAY_ACCOUNT = 1;

        public static Evm standard() {
            return new Evm(18545, 18546, 0, 1, "both");
        }

        public static Evm freePorts(long intervalMs, int confirmations) throws IOException {
            return new Evm(freePort(), freePort(), intervalMs, confirmations, "both");
        }

        /** Only G2 on a chain: a transfer from the reference ledger to an EVM ledger. */
        public Evm onlyG2() {
            return new Evm(port1, port2, intervalMs, confirmations, "G2");
        }

        boolean g1OnChain() {
            return ledgers.equals("both");
        }
    }

    /** The names the gateways' TLS certificates carry: both run on this machine. */
    static final List<String> HOSTS = List.of("127.0.0.1", "localhost");

    private final Options options;
    private final Layout layout;
    private final Map<GatewayNode, GatewayNode> backups = new LinkedHashMap<>();
    private final java.util.Set<GatewayNode> unlisted = new java.util.HashSet<>();
    private final IdentityProvider idp;
    private final BrokerNode b1;
    private final BrokerNode b2;
    private final GatewayNode g1;
    private final GatewayNode g2;
    private final HardhatNode chain1;
    private final HardhatNode chain2;

    public Embedded(Layout layout, Options o) {
        this.options = o;
        this.layout = layout;
        Path w = o.workDir().toAbsolutePath();
        idp = IdentityProvider.in(w.resolve("identity-provider"));
        b1 = new BrokerNode(layout, w.resolve("g1"), o.g1Broker());
        b2 = new BrokerNode(layout, w.resolve("g2"), o.g2Broker());
        g1 = new GatewayNode(layout, "G1", w.resolve("g1"), o.g1Http(), o.g1Peer(), o.g1Broker(),
                settings("gateway-one", "ledger-one", "bank-one", w.resolve("g1"), "gateway-two", "ledger-two", "bank-two",
                        w.resolve("g2"), o.g2Peer(), o.g1Settings()), o.jvmOptions(), o.extraArgs());
        g2 = new GatewayNode(layout, "G2", w.resolve("g2"), o.g2Http(), o.g2Peer(), o.g2Broker(),
                settings("gateway-two", "ledger-two", "bank-two", w.resolve("g2"), "gateway-one", "ledger-one", "bank-one",
                        w.resolve("g1"), o.g1Peer(), o.g2Settings()), o.jvmOptions(), o.extraArgs());
        g1.accessToken(launcherToken("gateway-one", "bank-one")).logDatabasePassword(secrets(w.resolve("g1")).getProperty("log-database"));
        g2.accessToken(launcherToken("gateway-two", "bank-two")).logDatabasePassword(secrets(w.resolve("g2")).getProperty("log-database"));
        g1.brokerCredentials(b1.credentials("gateway"));
        g2.brokerCredentials(b2.credentials("gateway"));
        Evm evm = o.evm();
        chain1 = evm == null || !evm.g1OnChain() ? null
                : HardhatNode.of(layout, w.resolve("g1").resolve("hardhat.log"), evm.port1(), Evm.CHAIN_ONE, evm.intervalMs());
        chain2 = evm == null ? null
                : HardhatNode.of(layout, w.resolve("g2").resolve("hardhat.log"), evm.port2(), Evm.CHAIN_TWO, evm.intervalMs());
    }

    /** G1's EVM chain; null when G1 runs on the reference ledger. */
    public HardhatNode chain1() {
        return chain1;
    }

    /** G2's EVM chain; null when G2 runs on the reference ledger. */
    public HardhatNode chain2() {
        return chain2;
    }

    /**
     * Starts the EVM chains (if any) and deploys each gateway's {@code AssetCustody} contract with the account it signs
     * with, then points the gateway at it. A chain lives in its node's memory, so it is made once per Embedded.
     */
    private void startChains() throws IOException, InterruptedException {
        for (HardhatNode node : java.util.Arrays.asList(chain1, chain2)) {
            if (node == null || node.alive()) {
                continue;
            }
            node.start();
            String key = node.accountKey(Evm.GATEWAY_ACCOUNT);
            String contract = org.satpgateway.ledger.evm.AssetCustodyDeployer.deploy(node.url(), node.chainId(), key);
            GatewayNode g = node == chain1 ? g1 : g2;
            g.setting("gateway.ledger.kind", "evm")
                    .setting("gateway.ledger.url", node.url())
                    .setting("gateway.ledger.chain-id", Long.toString(node.chainId()))
                    .setting("gateway.ledger.account-key", key)
                    .setting("gateway.ledger.contract", contract)
                    .setting("gateway.ledger.confirmations", Integer.toString(options.evm().confirmations()));
        }
    }

    /**
     * The launcher's own token for a gateway: every role and every account of the gateway's organisation, for a week
     * (a chaos run may take hours).
     */
    private String launcherToken(String gatewayId, String organisation) {
        return idp.token("launcher", gatewayId, List.of("back-office", "operator", "ledger-issuer"),
                List.of("*@" + organisation), Duration.ofDays(7));
    }

    /**
     * The two organisations' roots ({@code pki/bank-one}, {@code pki/bank-two}) and each gateway's key stores,
     * signing key and certificates in its data folder: created on the first start, reused afterwards.
     */
    public void provision() {
        Path pki = options.workDir().toAbsolutePath().resolve("pki");
        PkiFiles.Organisation one = PkiFiles.organisation(pki.resolve("bank-one"), "bank-one");
        PkiFiles.Organisation two = PkiFiles.organisation(pki.resolve("bank-two"), "bank-two");
        provision(g1, one, two, "gateway-one");
        provision(g2, two, one, "gateway-two");
    }

    /** A gateway's files, after its backups': its signing certificate lists theirs as authorised backups. */
    private void provision(GatewayNode primary, PkiFiles.Organisation own, PkiFiles.Organisation peer, String gatewayId) {
        char[] password = primary.settings().get("gateway.tls.key-store-password").toCharArray();
        java.util.List<String> authorised = new ArrayList<>();
        backups.forEach((backup, of) -> {
            if (of == primary) {
                PkiFiles.provision(own, peer.root(), backup.dataDir(), backupId(gatewayId, backup), HOSTS, password, List.of());
                if (!unlisted.contains(backup)) {
                    authorised.add(Certificates.sha256(PkiFiles.readCertificate(
                            backup.dataDir().resolve(PkiFiles.SIGNING_CERTIFICATE))));
                }
            }
        });
        PkiFiles.provision(own, peer.root(), primary.dataDir(), gatewayId, HOSTS, password, authorised);
        backups.forEach((backup, of) -> {
            if (of == primary) {
                // the organisation's ledger is one: the backup reaches the same reference ledger, with its key
                org.satpgateway.ejb.config.KeyFiles.loadOrCreate(primary.dataDir(), "ledger");
                copyIfMissing(primary.dataDir().resolve("ledger.key.json"), backup.dataDir().resolve("ledger.key.json"));
            }
        });
    }

    /**
     * A backup of G1 or G2 ({@code of}): another instance of the same organisation's gateway, with its own key pair
     * and certificates ({@code CN=<gateway id>-<name>}, listed in the primary's certificate), sharing the primary's
     * log (a database server: see {@link PostgresLog}), broker and ledger. The counterpart gets its peer endpoint
     * as the next in its list. Call before {@link #start}; start it with a {@link Standby}.
     */
    public GatewayNode addBackup(GatewayNode of, String name) throws IOException {
        return addBackup(of, name, true);
    }

    /**
     * A backup as {@link #addBackup(GatewayNode, String)}; {@code listed} false leaves it out of the primary's
     * authorised backups (its organisation's CA certifies it all the same): a takeover the counterpart must refuse.
     */
    public GatewayNode addBackup(GatewayNode of, String name, boolean listed) throws IOException {
        GatewayNode other = of == g1 ? g2 : g1;
        Path dir = options.workDir().toAbsolutePath().resolve(name.toLowerCase(java.util.Locale.ROOT));
        Map<String, String> s = new LinkedHashMap<>(of.settings());
        s.put("gateway.data-dir", dir.resolve("data").toString());
        s.put("gateway.ledger.url", String.format("jdbc:h2:file:%s;WRITE_DELAY=0",
                of.dataDir().resolve("ledger").toAbsolutePath()));
        GatewayNode backup = new GatewayNode(layout, name, dir, freePort(), freePort(),
                of == g1 ? options.g1Broker() : options.g2Broker(), s, options.jvmOptions(), options.extraArgs());
        backup.accessToken(of.accessToken()).logDatabasePassword(of.logDatabasePassword())
                .brokerCredentials(of.brokerCredentials());
        backups.put(backup, of);
        if (!listed) {
            unlisted.add(backup);
        }
        other.setting("gateway.peer.endpoint", other.settings().get("gateway.peer.endpoint") + "," + backup.peerEndpoint());
        return backup;
    }

    /** The backups added, each with the gateway it backs up. */
    public Map<GatewayNode, GatewayNode> backups() {
        return java.util.Collections.unmodifiableMap(backups);
    }

    private static String backupId(String gatewayId, GatewayNode backup) {
        return gatewayId + "-" + backup.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void copyIfMissing(Path from, Path to) {
        try {
            if (Files.exists(from) && !Files.exists(to)) {
                Files.createDirectories(to.getParent());
                Files.copy(from, to);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Map<String, String> settings(String id, String network, String owner, Path dir, String peerId,
            String peerNetwork, String peerOwner, Path peerDir, int peerPort, Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>(idp.gatewaySettings());
        s.put("gateway.id", id);
        s.put("gateway.network", network);
        s.put("gateway.owner", owner);
        s.put("gateway.data-dir", dir.resolve("data").toString());
        s.put("gateway.peer.id", peerId);
        s.put("gateway.peer.network", peerNetwork);
        s.put("gateway.peer.owner", peerOwner);
        s.put("gateway.peer.endpoint", "https://127.0.0.1:" + peerPort + "/satp/v1/messages");
        s.put("gateway.peer.certificate-file", peerDir.resolve("data").resolve(PkiFiles.SIGNING_CERTIFICATE).toString());
        // the embedded default holds its organisation's CA: a gateway that lost its key pair is certified at once
        s.put("gateway.pki.ca-dir", dir.getParent().resolve("pki").resolve(owner).toString());
        Properties secrets = secrets(dir);
        s.put("gateway.tls.key-store-password", secrets.getProperty("key-stores"));
        s.put("gateway.tls.trust-store-password", secrets.getProperty("key-stores"));
        s.put("gateway.ledger.password", secrets.getProperty("ledger-database"));
        s.put("gateway.ledger.issuing", "true");
        s.putAll(extra);
        return s;
    }

    /**
     * A gateway's generated passwords (key stores, ledger and log databases), in {@code <dir>/secrets.properties}
     * (owner-only): made on the first start of a work folder, read on every later one, so that restarts open the
     * stores and databases the first start created. The embedded default has no fixed password.
     */
    static Properties secrets(Path dir) {
        Path file = dir.resolve("secrets.properties");
        Properties p = new Properties();
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                StringBuilder text = new StringBuilder("# generated passwords of this gateway (owner-only)\n");
                for (String name : List.of("key-stores", "ledger-database", "log-database")) {
                    text.append(name).append('=').append(randomPassword()).append('\n');
                }
                PkiFiles.writeSecret(file, text.toString());
            }
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Starts both brokers, then both gateways, and waits until both answer; returns the gateways' start-up time. */
    public Duration start(Duration timeout) throws IOException, InterruptedException {
        provision();
        startChains();
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

    /** A client of {@code g} with the launcher's token (back office, operator and ledger issuer). */
    public static GatewayClient client(GatewayNode g) {
        return g.client();
    }

    /** The embedded default's identity provider, which issues the tokens both gateways take. */
    public IdentityProvider identityProvider() {
        return idp;
    }

    /**
     * Writes the tokens a person uses with {@code curl}, one per role and gateway, into {@code <work>/tokens}
     * (owner-only files, valid for {@code validity}); returns the folder.
     */
    public Path writeTokens(Duration validity) throws IOException {
        Path dir = options.workDir().toAbsolutePath().resolve("tokens");
        Files.createDirectories(dir);
        for (GatewayNode g : List.of(g1, g2)) {
            String gatewayId = g.settings().get("gateway.id");
            for (String role : List.of("back-office", "operator", "ledger-issuer")) {
                Path file = dir.resolve(g.name().toLowerCase(java.util.Locale.ROOT) + "-" + role + ".token");
                Files.deleteIfExists(file);
                // the demo back office acts for every account of its organisation
                List<String> accounts = role.equals("back-office") ? List.of("*@" + g.settings().get("gateway.owner")) : List.of();
                PkiFiles.writeSecret(file, idp.token("demo-" + role, gatewayId, List.of(role), accounts, validity));
            }
        }
        return dir;
    }

    /** Every process, for memory figures: name to pid. */
    public Map<String, Long> pids() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (chain1 != null && chain1.alive()) {
            m.put("chain G1", chain1.pid());
        }
        if (chain2 != null && chain2.alive()) {
            m.put("chain G2", chain2.pid());
        }
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

    /** Stops the gateways, then the brokers and the chains. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        List<AutoCloseable> all = new ArrayList<>(backups.keySet());
        all.addAll(List.of(g1, g2, b1, b2));
        if (chain1 != null) {
            all.add(chain1);
        }
        if (chain2 != null) {
            all.add(chain2);
        }
        for (AutoCloseable c : all) {
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

    /**
     * The gateways' JVM options: {@code $SATP_GATEWAY_JAVA_OPTS}, or the embedded default's, chosen for many short-lived
     * gateways on one small machine (docs/runtime-notes.md, "Start-up time"): the client compiler only, and the serial
     * collector (two gateways booting at once were ready in about 21 s instead of 27 s, at about 480 MiB instead of
     * 700-830 MiB each). A production gateway keeps the JVM's defaults (docs/configuration.md).
     */
    static List<String> defaultJvmOptions() {
        String env = System.getenv("SATP_GATEWAY_JAVA_OPTS");
        return env != null ? List.of(env.trim().split("\\s+")) : DEFAULT_JVM_OPTIONS;
    }

    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
