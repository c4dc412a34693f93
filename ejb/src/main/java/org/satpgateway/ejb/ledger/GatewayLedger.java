package org.satpgateway.ejb.ledger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.protocol.GatewayProtocol;

/**
 * Opens at start-up the ledger connector that {@code gateway.ledger.kind} names ({@link Ledgers}), holds it while
 * the gateway runs, and closes it at shutdown. Callers use the connector through the core's
 * {@link LedgerConnector} only. Calls need no container lock.
 */
@Singleton
@Startup
@DependsOn({"GatewayConfig", "GatewayProtocol"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class GatewayLedger {
    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayProtocol protocol;

    private LedgerConnector ledger;

    @PostConstruct
    void start() {
        ledger = Ledgers.open(config.settings(), protocol.codec(), config.clock());
    }

    @PreDestroy
    void stop() {
        if (ledger != null) {
            ledger.close();
        }
    }

    public LedgerConnector connector() {
        return ledger;
    }
}
