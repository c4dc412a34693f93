package org.satpgateway.core.ledger;

/**
 * How a gateway finds its ledger connector: each connector ships a factory, registered as a
 * {@code java.util.ServiceLoader} service, and the gateway opens the one whose {@link #kind()} equals its setting
 * {@code gateway.ledger.kind}. Nothing outside a connector names its classes, so a new ledger is a new connector
 * (its package, its factory and its service entry) and nothing else (docs/ledgers.md).
 */
public interface LedgerConnectorFactory {
    /** The value of {@code gateway.ledger.kind} that picks this connector, e.g. {@code reference} or {@code evm}. */
    String kind();

    /**
     * Opens the connector for this gateway: reads its settings from {@code environment}, connects, and fails with a
     * message naming the setting when one is missing or wrong. The gateway closes it when it stops.
     */
    LedgerConnector open(LedgerEnvironment environment);
}
