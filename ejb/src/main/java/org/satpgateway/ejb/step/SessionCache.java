package org.satpgateway.ejb.step;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import org.satpgateway.core.session.Session;

/**
 * Holds the {@link ReplayCache} of sessions rebuilt by earlier steps, one for the gateway, shared by the pooled
 * {@link StepService} instances. The cache locks itself, so calls need no container lock.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SessionCache {
    private final ReplayCache<Session> replayCache = new ReplayCache<>(10_000);

    /** Sessions rebuilt by earlier steps (see {@link ReplayCache}). */
    public ReplayCache<Session> replayCache() {
        return replayCache;
    }
}
