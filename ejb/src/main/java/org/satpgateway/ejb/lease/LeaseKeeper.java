package org.satpgateway.ejb.lease;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.config.GatewaySettings;

/**
 * Holds the gateway lease of a primary-backup organisation ({@link LeaseTable}) while this instance runs: checks at
 * start-up that its standby took it with the epoch it was given, renews it, and fences every step
 * ({@link #fence}). An instance that finds the lease taken stops at once (its JVM halts; its standby waits as the new
 * backup): nothing it would send or apply after that can be trusted. Without {@code gateway.lease.instance} (the
 * single-gateway default) it does nothing.
 */
@Singleton
@Startup
@DependsOn("GatewayConfig")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class LeaseKeeper {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());
    /** The exit status of an instance that lost its lease. */
    public static final int FENCED_EXIT = 3;

    @EJB
    private GatewayConfig config;

    @Resource(lookup = "jdbc/satpLog")
    private DataSource log;

    @Resource
    private TimerService timers;

    private GatewaySettings.Lease lease;
    private volatile long lastRenewal;

    @PostConstruct
    void start() {
        lease = config.settings().lease().orElse(null);
        if (lease == null) {
            return;
        }
        try (Connection c = log.getConnection()) {
            try {
                LeaseTable.check(LeaseTable.holder(c), lease.instance(), lease.epoch());
            } catch (LeaseTable.FencedException e) {
                stop("started with a lease it does not hold: " + e.getMessage());
            }
            if (!LeaseTable.renew(c, lease.instance(), lease.epoch())) {
                stop("the lease was taken while this instance started");
            }
        } catch (SQLException e) {
            stop("cannot read the gateway lease: " + e);
        }
        lastRenewal = System.nanoTime();
        LOG.info(() -> lease.instance() + " holds the gateway lease, epoch " + lease.epoch()
                + (lease.takeover() ? ", taken over from another instance" : ""));
        timers.createIntervalTimer(lease.renewEvery().toMillis(), lease.renewEvery().toMillis(),
                new TimerConfig("gateway lease", false));
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void renew() {
        try (Connection c = log.getConnection()) {
            if (!LeaseTable.renew(c, lease.instance(), lease.epoch())) {
                stop("another instance took the gateway lease");
            }
            lastRenewal = System.nanoTime();
        } catch (SQLException e) {
            long silent = (System.nanoTime() - lastRenewal) / 1_000_000;
            LOG.warning(() -> "cannot renew the gateway lease (" + silent + " ms since the last renewal): " + e);
            if (silent >= lease.lapseAfter().toMillis()) {
                stop("the lease could not be renewed for " + silent + " ms: a standby may hold it now");
            }
        }
    }

    /**
     * In the step's transaction: goes on only while this instance holds the lease with its epoch, and keeps a shared
     * lock on the lease row to the end of the transaction, so that a takeover waits for the step and every later step
     * of this instance fails.
     */
    public void fence(EntityManager em) {
        if (lease == null) {
            return;
        }
        List<?> rows = em.createNativeQuery(LeaseTable.FENCE_QUERY).setParameter(1, LeaseTable.ROLE).getResultList();
        Object[] row = rows.isEmpty() ? null : (Object[]) rows.get(0);
        try {
            LeaseTable.check(row == null ? null : new LeaseTable.Holder((String) row[0], ((Number) row[1]).longValue()),
                    lease.instance(), lease.epoch());
        } catch (LeaseTable.FencedException e) {
            LOG.severe(e.getMessage());
            throw e;
        }
    }

    private void stop(String why) {
        LOG.severe(() -> "fenced, stopping this instance: " + why);
        org.satpgateway.ejb.notify.Notifications.send("lease-lost", java.util.logging.Level.SEVERE,
                lease == null ? "gateway lease" : lease.instance(), "this instance lost the gateway lease and stops: " + why
                + "; a standby takes over its sessions (docs/operations.md, lease-lost)");
        try {
            // the notifiers deliver on threads of their own: a moment for them (no step of this instance can commit
            // any more: each one checks the lease's epoch in its transaction)
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(FENCED_EXIT);
    }
}
