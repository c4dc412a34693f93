package org.satpgateway.it.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.satpgateway.ejb.lease.LeaseTable;
import org.satpgateway.it.support.Transfers;
import org.satpgateway.launcher.Embedded;
import org.satpgateway.launcher.GatewayClient;
import org.satpgateway.launcher.GatewayNode;
import org.satpgateway.launcher.Layout;
import org.satpgateway.launcher.Postgres;
import org.satpgateway.launcher.PostgresLog;
import org.satpgateway.launcher.Standby;

/**
 * Primary-backup on real processes. One organisation runs its gateway and a backup, sharing one PostgreSQL log, one
 * broker and one ledger; the gateway role is a lease in the log ({@link LeaseTable}), and each instance starts only
 * through a {@link Standby}. The primary halts at a crash point ({@code Runtime.halt}, as kill -9); the backup's
 * standby takes the lapsed lease and starts the backup, which recovers every unfinished session and announces
 * itself to the counterpart as an authorised backup (recover-msg with isBackup, its key and certificate). Each
 * transfer ends as the recovery table says, with supply conserved; the primary coming back stays passive.
 *
 * <p>{@code -Dsatp.pb.set=ci} (default) runs the takeover after G2 minted; {@code all} runs the moments of each side:
 * before the lock, after the lock, after the mint is reported, after the burn; and on G2 before the lock, after it,
 * after the mint and around the assignment. The takeover follows every ledger action of either side (the primary
 * halted right after it, before its step committed: the backup learns it from the ledger).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrimaryBackupIT {
    private static final Path DRIVER = Path.of(System.getProperty("satp.pgDriver"));
    private static final Duration LAPSE = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final List<String> ALL = List.of(
            "G1-before-LOCK", "G1-after-LOCK", "G1-before-EXTINGUISH", "G1-after-EXTINGUISH",
            "G2-before-delivery-ack-commence-msg", "G2-receiving-lock-assert-msg", "G2-after-CREATE", "G2-before-ASSIGN",
            "G2-after-ASSIGN");
    /** The CI run has no point of its own here: {@link #anUnlistedBackupIsRefusedThenTheListedBackupTakesOver} runs G2-after-CREATE. */
    private static final List<String> CI = List.of();

    private final List<String> summary = new ArrayList<>();

    Stream<String> points() {
        String set = System.getProperty("satp.pb.set", "ci");
        return (set.equals("all") ? ALL : set.equals("ci") ? CI : List.of(set.split(","))).stream();
    }

    @AfterAll
    void report() {
        summary.forEach(System.out::println);
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("points")
    void theBackupTakesOverAfterThePrimaryCrashesAndTheTransferEnds(String point) throws Exception {
        try (Group group = new Group(point.substring(0, 2), point, Map.of("B", true))) {
            Crashed crashed = crashAt(group, point);
            takesOverAndCompletes(group, group.backup, crashed);
            assertEquals(group.primaryInstance, group.backup.acquired().orElseThrow().previousHolder(),
                    "taken over from the primary");
        }
    }

    /**
     * G2 halts after minting, and a backup whose certificate the primary's does not list takes the lapsed lease first
     * (its organisation's CA issued its certificate, but it is not an authorised backup): G1 refuses its takeover,
     * changes nothing and leaves the session to its timers. That backup dies; the listed backup takes the lease it
     * held, G1 accepts it, and the transfer completes. This is the CI run of this class ({@code -Dsatp.pb.set=ci}).
     */
    @Test
    void anUnlistedBackupIsRefusedThenTheListedBackupTakesOver() throws Exception {
        Map<String, Boolean> backups = new java.util.LinkedHashMap<>();
        backups.put("U", false);
        backups.put("B", true);
        try (Group group = new Group("G2", "G2-after-CREATE", backups)) {
            Crashed crashed = crashAt(group, "G2-after-CREATE");
            GatewayClient g1 = group.client(group.embedded.g1());
            String before = g1.transfer(crashed.id).orElseThrow().path("history").toString();
            Standby unlisted = group.backup;
            group.awaitReady(unlisted, Duration.ofMinutes(4));
            String g1Log = awaitLog(group.embedded.g1(), "is not among the authorised backups", Duration.ofSeconds(60));
            assertTrue(g1Log.contains("is not among the authorised backups"), "G1 refused the unlisted backup's takeover");
            JsonNode t1 = g1.transfer(crashed.id).orElseThrow();
            assertEquals("ACTIVE", t1.path("state").asText(), "the session is left to its timers");
            assertEquals(before, t1.path("history").toString(), "the refused takeover changed nothing in G1's session");
            assertFalse(g1Log.contains("a backup took over"));

            // the unlisted backup dies too; the listed one takes the lease it held and finishes the transfer
            unlisted.close();
            unlisted.node().kill9();
            Standby listed = group.standby("B");
            takesOverAndCompletes(group, listed, crashed);
            assertEquals(group.instance("U"), listed.acquired().orElseThrow().previousHolder(),
                    "the listed backup took the lease from the unlisted one");
            summary.add("[primary-backup] an unlisted backup's recover-msg was refused (err_0.2.5), G1's session unchanged;"
                    + " the listed backup then took over and the transfer completed");
        }
    }

    /** The transfer under way when the primary halted at its point. */
    private record Crashed(String point, String asset, String id, long supplyBefore, Instant killed) {}

    /**
     * While the primary renews its lease, its backups stay standbys; then the primary halts at {@code point} during a
     * transfer.
     */
    private Crashed crashAt(Group group, String point) throws Exception {
        GatewayClient g1 = group.client(group.embedded.g1());
        GatewayClient g2 = group.client(group.embedded.g2());
        Transfers.completeOne(g1, g2);
        staysPassive(group.backup, LAPSE.plusSeconds(1), "the backup");

        String asset = "bond-" + UUID.randomUUID();
        assertEquals(201, g1.issue(asset, Transfers.ALICE, 100).status());
        long supplyBefore = g1.totalSupply() + g2.totalSupply();
        group.arm(point);
        GatewayClient.Answer a = g1.submit(Transfers.job(asset, 100, "pb-" + asset));
        assertEquals(202, a.status(), () -> String.valueOf(a.body()));
        assertTrue(group.primaryNode.process().waitFor(90, TimeUnit.SECONDS), point + " was reached");
        Instant killed = Instant.now();
        assertEquals(137, group.primaryNode.process().exitValue());
        return new Crashed(point, asset, a.body().path("id").asText(), supplyBefore, killed);
    }

    /**
     * The backup {@code backup} takes the lapsed lease, the transfer ends completed on both sides with the asset once
     * on the target ledger, new transfers go through the backup, and the old primary, back through its standby,
     * stays passive.
     */
    private void takesOverAndCompletes(Group group, Standby backup, Crashed crashed) throws Exception {
        String side = group.primaryNode == group.embedded.g1() ? "G1" : "G2";
        String point = crashed.point;
        group.awaitReady(backup, Duration.ofMinutes(4));
        GatewayClient b = group.client(backup.node());
        GatewayClient c1 = side.equals("G1") ? b : group.client(group.embedded.g1());
        GatewayClient c2 = side.equals("G1") ? group.client(group.embedded.g2()) : b;
        Instant completed = Transfers.awaitBoth(c1, c2, crashed.id, Duration.ofMinutes(3), Transfers::completed);
        LeaseTable.Acquired acquired = backup.acquired().orElseThrow();
        assertTrue(acquired.takeover(), "the lease was taken over");

        JsonNode source = c1.asset(crashed.asset).orElseThrow();
        JsonNode target = c2.asset(crashed.asset).orElseThrow();
        assertEquals("BURNED", source.path("state").asText(), point);
        assertEquals(Transfers.BOB, target.path("owner").asText(), point);
        assertEquals(crashed.supplyBefore, c1.totalSupply() + c2.totalSupply(), point + ": total supply unchanged");
        assertEquals(1, Transfers.count(c2.get("api/v1/ledger/assets/" + crashed.asset + "/history").body(), "create"),
                point + ": minted once");
        assertEquals(Transfers.messages(c1.transfer(crashed.id).orElseThrow()),
                Transfers.messages(c2.transfer(crashed.id).orElseThrow()), point + ": both logs agree");
        GatewayNode counterpart = side.equals("G1") ? group.embedded.g2() : group.embedded.g1();
        assertTrue(Files.readString(counterpart.log()).contains("a backup took over"),
                point + ": the counterpart accepted the backup's key as an authorised backup's");

        // new transfers go through the backup, signed with its key
        Transfers.completeOne(c1, c2);
        String metrics = b.get("metrics").body().asText();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("satp_lease_epoch{") && l.contains("holder=\"" + backup.instance()
                + "\"") && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == acquired.epoch()),
                () -> "the backup's metrics show the lease it holds: " + metrics.lines().filter(l -> l.startsWith("satp_lease"))
                        .toList());

        // the old primary comes back through its standby: it waits, as the new backup
        List<String> plain = new ArrayList<>(group.primaryNode.jvmOptions());
        plain.removeIf(opt -> opt.startsWith("-javaagent:"));
        group.primaryNode.jvmOptions(plain);
        try (Standby again = new Standby(group.primaryNode, group.primaryInstance, group::connect, LAPSE, POLL).start()) {
            staysPassive(again, LAPSE.multipliedBy(2), "the old primary");
        }

        // the lease taken from the running backup (as another instance would): it stops at its next renewal, and its
        // operators are alerted through the notification service before it does
        try (java.sql.Connection c = group.connect(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE SATP_GATEWAY_LEASE SET HOLDER = 'another-instance', EPOCH = EPOCH + 1");
        }
        assertTrue(backup.node().process().waitFor(30, TimeUnit.SECONDS), "the backup stopped once its lease was taken");
        assertEquals(org.satpgateway.ejb.lease.LeaseKeeper.FENCED_EXIT, backup.node().process().exitValue());
        String fencedLog = awaitLog(backup.node(), "SATP gateway: lease-lost", Duration.ofSeconds(5));
        assertTrue(fencedLog.contains("[lease-lost]") && fencedLog.contains("SATP gateway: lease-lost"),
                "the lease-lost alert, on the alert logger and through Payara's log notifier");
        summary.add(String.format("[primary-backup] %-36s %s: lease taken %5d ms after the kill, backup ready %5d ms"
                + " later; first recovered transfer completed %5d ms after the kill", point, c1.transfer(crashed.id)
                .orElseThrow().path("state").asText(), Duration.between(crashed.killed, backup.acquiredAt().orElseThrow()).toMillis(),
                Duration.between(backup.acquiredAt().orElseThrow(), backup.readyAt().orElseThrow()).toMillis(),
                Duration.between(crashed.killed, completed).toMillis()));
    }

    /**
     * Watches a standby for {@code period} (longer than the lease's lapse) while the holder renews: it must never take
     * the live lease nor start its server. Fails as soon as it does.
     */
    private static void staysPassive(Standby s, Duration period, String who) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        do {
            assertTrue(s.acquired().isEmpty(), who + " took a live lease");
            assertFalse(s.node().alive(), who + " runs a server");
            Thread.sleep(POLL.toMillis());
        } while (System.nanoTime() < end);
        assertTrue(s.acquired().isEmpty(), who + " took a live lease");
        assertFalse(s.node().alive(), who + " runs a server");
    }

    private static String awaitLog(GatewayNode node, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String log = Files.readString(node.log());
        while (System.nanoTime() < deadline && !log.contains(text)) {
            Thread.sleep(200);
            log = Files.readString(node.log());
        }
        return log;
    }

    /**
     * Both organisations on PostgreSQL; one side ({@code G1} or {@code G2}) with backups (name: listed among the
     * primary's authorised backups or not); Byteman on its primary. The first backup's standby starts with the group,
     * the others' when a test asks ({@link #standby}).
     */
    private static final class Group implements AutoCloseable {
        final Postgres pg;
        final Embedded embedded;
        final GatewayNode primaryNode;
        final Map<String, GatewayNode> backupNodes = new java.util.LinkedHashMap<>();
        final List<Standby> standbys = new ArrayList<>();
        final String database;
        final String primaryInstance;
        final Standby primary;
        final Standby backup;
        final int agentPort;

        Group(String side, String point, Map<String, Boolean> backups) throws Exception {
            Path work = Path.of(System.getProperty("satp.work", "target/it"))
                    .resolve("primary-backup-" + point + "-" + System.nanoTime()).toAbsolutePath();
            Files.createDirectories(work);
            Layout layout = new Layout(Path.of(System.getProperty("satp.repository"))).check();
            pg = Postgres.builder(work.resolve("pg-data")).start();
            Embedded.Options o = PostgresLog.options(Embedded.Options.freePorts(work), DRIVER)
                    .withSettings(Map.of("gateway.retry-base-ms", "1000"), Map.of("gateway.retry-base-ms", "1000"));
            embedded = new Embedded(layout, o);
            primaryNode = side.equals("G1") ? embedded.g1() : embedded.g2();
            for (Map.Entry<String, Boolean> b : backups.entrySet()) {
                backupNodes.put(b.getKey(), embedded.addBackup(primaryNode, b.getKey(), b.getValue()));
            }
            PostgresLog.use(embedded, layout, pg);
            database = "satplog_" + primaryNode.name().toLowerCase(java.util.Locale.ROOT);
            try (Connection c = pg.connect(database)) {
                LeaseTable.create(c);
            }
            agentPort = CrashAgent.attach(primaryNode, CrashAgent.startRules(work, "crash-points.btm",
                    CrashPoint.all().stream().filter(p -> p.name().equals(point))));

            embedded.provision();
            embedded.broker1().start();
            embedded.broker2().start();
            GatewayNode other = primaryNode == embedded.g1() ? embedded.g2() : embedded.g1();
            other.launch();
            primaryInstance = primaryNode.name().toLowerCase(java.util.Locale.ROOT) + "-primary";
            primary = new Standby(primaryNode, primaryInstance, this::connect, LAPSE, POLL).start();
            other.awaitReady(client(other), Duration.ofMinutes(4));
            awaitReady(primary, Duration.ofMinutes(4));
            backup = standby(backups.keySet().iterator().next());
        }

        /** Starts the standby of the backup {@code name}. */
        Standby standby(String name) {
            Standby s = new Standby(backupNodes.get(name), instance(name), this::connect, LAPSE, POLL).start();
            standbys.add(s);
            return s;
        }

        /** The lease instance name of the backup {@code name}. */
        String instance(String name) {
            String base = primaryNode.name().toLowerCase(java.util.Locale.ROOT) + "-backup";
            return name.equals("B") ? base : base + "-" + name.toLowerCase(java.util.Locale.ROOT);
        }

        Connection connect() throws java.sql.SQLException {
            return pg.connect(database);
        }

        GatewayClient client(GatewayNode g) {
            return Embedded.client(g);
        }

        void arm(String point) throws Exception {
            CrashAgent.arm(agentPort, point);
        }

        void awaitReady(Standby s, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (s.readyAt().isEmpty() && System.nanoTime() < deadline) {
                if (s.failure().isPresent()) {
                    throw new AssertionError("standby failed: " + s.failure().get());
                }
                if (s.acquired().isPresent() && s.node().process() != null && !s.node().alive()) {
                    throw new AssertionError(s.node().name() + " exited, see " + s.node().log());
                }
                Thread.sleep(200);
            }
            assertTrue(s.readyAt().isPresent(), s.node().name() + " did not become ready");
        }

        @Override
        public void close() {
            primary.close();
            standbys.forEach(Standby::close);
            embedded.close();
            pg.close();
        }
    }
}
