package org.satpgateway.ejb.ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerConnectorFactory;
import org.satpgateway.core.ledger.LedgerEnvironment;
import org.satpgateway.ejb.config.GatewaySettings;

/**
 * Opens the ledger connector that {@code gateway.ledger.kind} names, among the connectors on the class path
 * ({@link LedgerConnectorFactory}, a {@code ServiceLoader} service). Nothing else in the gateway names a connector.
 */
public final class Ledgers {
    private static final Logger LOG = Logger.getLogger(Ledgers.class.getName());

    private Ledgers() {}

    public static LedgerConnector open(GatewaySettings settings, MessageCodec codec, Clock clock) {
        Config config = ConfigProvider.getConfig();
        String kind = settings.ledgerKind();
        List<String> known = new ArrayList<>();
        for (LedgerConnectorFactory f : ServiceLoader.load(LedgerConnectorFactory.class, Ledgers.class.getClassLoader())) {
            known.add(f.kind());
            if (f.kind().equals(kind)) {
                LedgerConnector connector = f.open(new LedgerEnvironment() {
                    @Override
                    public String networkId() {
                        return settings.networkId();
                    }

                    @Override
                    public Optional<String> setting(String name) {
                        return config.getOptionalValue("gateway.ledger." + name, String.class);
                    }

                    @Override
                    public Path dataDir() {
                        return settings.dataDir();
                    }

                    @Override
                    public MessageCodec codec() {
                        return codec;
                    }

                    @Override
                    public Clock clock() {
                        return clock;
                    }
                });
                LOG.info(() -> "ledger " + settings.networkId() + ": connector " + kind);
                return connector;
            }
        }
        throw new IllegalStateException("gateway.ledger.kind=" + kind + " names no ledger connector; the connectors here are "
                + known);
    }
}
