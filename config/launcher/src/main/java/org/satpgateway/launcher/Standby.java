package org.satpgateway.launcher;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import org.satpgateway.ejb.lease.LeaseTable;

/**
 * An instance of an organisation's gateway waiting for the gateway lease in the shared log (primary-backup,
 * docs/security.md). It polls the lease; when it is free, lapsed or its own, it takes it (one conditional UPDATE:
 * of two standbys, one wins), starts its gateway with the lease's epoch, and renews the lease until the gateway is
 * ready and renews it itself. The application server is started only then: a passive instance runs nothing that
 * could consume the shared queues or write the shared log.
 */
public final class Standby implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Standby.class.getName());

    /** Opens a connection to the shared log database. */
    @FunctionalInterface
    public interface Database {
        Connection connect() throws SQLException;
    }

    private final GatewayNode node;
    private final String instance;
    private final Database db;
    /** How long one attempt waits for the lease row. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(2);
    /**
     * After how long a prepared branch of the log that holds the lease row counts as left by a dead holder. The row
     * stays locked only while the lease has lapsed (the holder has not renewed it for the lapse period), so its
     * holder is dead or stalled, and a commit takes the decision its transaction manager takes for the gateway's
     * steps anyway; 15 s leaves a stalled holder time to finish its own commit.
     */
    static final Duration IN_DOUBT_AFTER = Duration.ofSeconds(15);
    private final Duration lapse;
    private final Duration poll;
    private final AtomicReference<LeaseTable.Acquired> acquired = new AtomicReference<>();
    private volatile Instant acquiredAt;
    private volatile Instant readyAt;
    private volatile boolean stopped;
    private volatile String failure;
    private Thread thread;

    public Standby(GatewayNode node, String instance, Database db, Duration lapse, Duration poll) {
        this.node = node;
        this.instance = instance;
        this.db = db;
        this.lapse = lapse;
        this.poll = poll;
    }

    /** Starts waiting in the background. */
    public Standby start() {
        thread = new Thread(this::run, "standby-" + instance);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!stopped) {
                Optional<LeaseTable.Acquired> a;
                try (Connection c = db.connect()) {
                    a = LeaseTable.tryAcquire(c, instance, lapse, LOCK_WAIT, IN_DOUBT_AFTER, gid -> LOG.warning(() ->
                            instance + " committed the log's branch " + gid + ", prepared by a holder that died before"
                                    + " committing it and locking the lease"));
                }
                if (a.isPresent()) {
                    acquiredAt = Instant.now();
                    acquired.set(a.get());
                    LOG.info(() -> instance + " took the gateway lease, epoch " + a.get().epoch()
                            + (a.get().takeover() ? " (from " + a.get().previousHolder() + ")" : ""));
                    node.setting("gateway.lease.instance", instance)
                            .setting("gateway.lease.epoch", Long.toString(a.get().epoch()))
                            .setting("gateway.lease.takeover", Boolean.toString(a.get().takeover()))
                            .setting("gateway.lease.lapse-ms", Long.toString(lapse.toMillis()))
                            .launch();
                    holdUntilReady(a.get().epoch());
                    return;
                }
                Thread.sleep(poll.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e.toString();
            LOG.severe(() -> instance + " standby failed: " + e);
        }
    }

    /** Renews the lease while the gateway starts (it renews it itself once it runs). */
    private void holdUntilReady(long epoch) throws Exception {
        GatewayClient client = node.client();
        while (!stopped && node.alive()) {
            try (Connection c = db.connect()) {
                if (!LeaseTable.renew(c, instance, epoch)) {
                    return;
                }
            }
            if (client.ready()) {
                readyAt = Instant.now();
                return;
            }
            Thread.sleep(Math.min(1000, lapse.toMillis() / 3));
        }
    }

    /** The lease this standby took, if it took one. */
    public Optional<LeaseTable.Acquired> acquired() {
        return Optional.ofNullable(acquired.get());
    }

    public Optional<Instant> acquiredAt() {
        return Optional.ofNullable(acquiredAt);
    }

    /** When its gateway answered ready after taking the lease. */
    public Optional<Instant> readyAt() {
        return Optional.ofNullable(readyAt);
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The instance name this standby takes the lease under. */
    public String instance() {
        return instance;
    }

    public GatewayNode node() {
        return node;
    }

    /** Stops waiting (or holding the lease during start-up); a gateway it started goes on. */
    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
