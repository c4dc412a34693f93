package org.satpgateway.it.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.satpgateway.ejb.lease.LeaseTable;
import org.satpgateway.launcher.Postgres;

/**
 * The gateway lease on a real PostgreSQL server (the shared log of a primary and its backups): two standbys racing
 * for a lapsed lease, the holder's renewals, and the fencing of a holder whose lease was taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayLeaseIT {
    private static final Duration LAPSE = Duration.ofMillis(1500);

    private Postgres pg;

    @BeforeAll
    void start() throws Exception {
        Path work = Path.of(System.getProperty("satp.work", "target/it")).resolve("lease-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(work);
        pg = Postgres.builder(work.resolve("pg-data")).start();
        pg.createDatabase("lease");
        try (Connection c = pg.connect("lease")) {
            LeaseTable.create(c);
            LeaseTable.create(c); // twice: a standby that starts again changes nothing
        }
    }

    @AfterAll
    void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void twoBackupsRaceForALapsedLeaseAndOneWins() throws Exception {
        try (Connection c = pg.connect("lease")) {
            awaitLapsed(); // whatever the other test left
            long epoch = LeaseTable.tryAcquire(c, "primary", LAPSE).orElseThrow().epoch();
            assertTrue(LeaseTable.renew(c, "primary", epoch));
            assertEquals(Optional.empty(), LeaseTable.tryAcquire(c, "backup-1", LAPSE), "a live holder keeps it");
            awaitLapsed(); // the primary stops renewing: it crashed
        }
        for (int round = 0; round < 5; round++) {
            List<String> winners = race(List.of("backup-1", "backup-2"));
            assertEquals(1, winners.size(), "exactly one of two racing backups takes the lease: " + winners);
            try (Connection c = pg.connect("lease")) {
                assertEquals(winners.get(0), LeaseTable.holder(c).holder());
                assertEquals(Optional.empty(), LeaseTable.tryAcquire(c, "backup-1".equals(winners.get(0)) ? "backup-2" : "backup-1", LAPSE),
                        "the loser stays passive while the winner's lease is fresh");
            }
            awaitLapsed();
        }
    }

    @Test
    void aHolderWhoseLeaseWasTakenIsFencedAndATakeoverWaitsForItsStepsUnderWay() throws Exception {
        long epoch;
        try (Connection c = pg.connect("lease")) {
            awaitLapsed();
            epoch = LeaseTable.tryAcquire(c, "old-holder", LAPSE).orElseThrow().epoch();
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection step = pg.connect("lease"); Connection taker = pg.connect("lease")) {
            // a step under way holds the lease row shared until it commits
            step.setAutoCommit(false);
            LeaseTable.fence(step, "old-holder", epoch);
            awaitLapsed();
            CountDownLatch started = new CountDownLatch(1);
            Future<Optional<LeaseTable.Acquired>> takeover = pool.submit(() -> {
                started.countDown();
                return LeaseTable.tryAcquire(taker, "new-holder", LAPSE);
            });
            started.await();
            Thread.sleep(500);
            assertFalse(takeover.isDone(), "the takeover waits for the step's transaction");
            step.commit();
            LeaseTable.Acquired acquired = takeover.get(10, TimeUnit.SECONDS).orElseThrow();
            assertEquals(epoch + 1, acquired.epoch());
            assertEquals("old-holder", acquired.previousHolder(), "a takeover, not a restart");

            // every later step of the old holder fails, and its renewal tells it so
            LeaseTable.FencedException fenced = assertThrows(LeaseTable.FencedException.class,
                    () -> LeaseTable.fence(step, "old-holder", epoch));
            assertTrue(fenced.getMessage().contains("new-holder"), fenced.getMessage());
            step.rollback();
            assertFalse(LeaseTable.renew(taker, "old-holder", epoch));
            assertTrue(LeaseTable.renew(taker, "new-holder", acquired.epoch()));
            // the new holder restarting takes its own lease again at once: not a takeover
            LeaseTable.Acquired again = LeaseTable.tryAcquire(taker, "new-holder", LAPSE).orElseThrow();
            assertFalse(again.takeover());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBranchPreparedByAHolderThatDiedIsCommittedSoThatTheTakeoverDoesNotWaitForEver() throws Exception {
        long epoch;
        try (Connection c = pg.connect("lease")) {
            awaitLapsed();
            epoch = LeaseTable.tryAcquire(c, "dying-holder", LAPSE).orElseThrow().epoch();
        }
        // a step of the holder is prepared (its fencing read holds the lease row shared), then its JVM dies
        try (Connection step = pg.connect("lease")) {
            step.setAutoCommit(false);
            LeaseTable.fence(step, "dying-holder", epoch);
            try (var s = step.createStatement()) {
                s.execute("PREPARE TRANSACTION 'dying-holder-step'");
            }
        }
        awaitLapsed();
        List<String> committed = new ArrayList<>();
        try (Connection taker = pg.connect("lease")) {
            long t0 = System.nanoTime();
            assertEquals(Optional.empty(), LeaseTable.tryAcquire(taker, "backup", LAPSE, Duration.ofMillis(300),
                    Duration.ofDays(1), committed::add), "a branch not yet in doubt is waited for, a poll at a time");
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(2 * 300).toNanos(),
                    "the lapsed lease's row was locked: both attempts waited for it");
            assertTrue(committed.isEmpty(), "and left alone: " + committed);
            LeaseTable.Acquired acquired = LeaseTable.tryAcquire(taker, "backup", LAPSE, Duration.ofMillis(300),
                    Duration.ofMillis(1), committed::add).orElseThrow();
            assertEquals(List.of("dying-holder-step"), committed, "the dead holder's branch, committed");
            assertEquals("dying-holder", acquired.previousHolder());
            try (var s = taker.createStatement(); var r = s.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
                r.next();
                assertEquals(0, r.getInt(1), "nothing left in doubt");
            }
        }
    }

    /** Waits (polling the database's clock, at most 10 s) until the lease has not been renewed for {@link #LAPSE}. */
    private void awaitLapsed() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection c = pg.connect("lease"); var s = c.prepareStatement("SELECT RENEWED_AT < clock_timestamp()"
                + " - make_interval(secs => ?) FROM SATP_GATEWAY_LEASE WHERE ROLE_NAME = ?")) {
            s.setDouble(1, LAPSE.toMillis() / 1000.0);
            s.setString(2, LeaseTable.ROLE);
            while (true) {
                try (var r = s.executeQuery()) {
                    if (r.next() && r.getBoolean(1)) {
                        return;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "the lease did not lapse within 10 s");
                Thread.sleep(50);
            }
        }
    }

    private List<String> race(List<String> instances) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(instances.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<LeaseTable.Acquired>>> results = new ArrayList<>();
            for (String instance : instances) {
                results.add(pool.submit(() -> {
                    try (Connection c = pg.connect("lease")) {
                        go.await();
                        return LeaseTable.tryAcquire(c, instance, LAPSE);
                    }
                }));
            }
            go.countDown();
            List<String> winners = new ArrayList<>();
            for (int i = 0; i < instances.size(); i++) {
                if (results.get(i).get(10, TimeUnit.SECONDS).isPresent()) {
                    winners.add(instances.get(i));
                }
            }
            return winners;
        } finally {
            pool.shutdownNow();
        }
    }
}
