package org.satpgateway.ledger;

import org.h2.jdbcx.JdbcConnectionPool;
import org.satpgateway.core.ledger.LedgerConnector;
import org.satpgateway.core.ledger.LedgerConnectorFactory;
import org.satpgateway.core.ledger.LedgerEnvironment;
import org.satpgateway.ejb.config.KeyFiles;

/**
 * Opens the reference ledger ({@code gateway.ledger.kind=reference}, the default): its own H2 database,
 * {@code gateway.ledger.url} (default {@code <data>/ledger}, with {@code WRITE_DELAY=0} so that a commit survives
 * a kill), {@code gateway.ledger.user} (default {@code gateway}) and {@code gateway.ledger.password} (required);
 * its proofs are signed with the key {@code <data>/ledger.key.json}, made on first start.
 */
public final class ReferenceLedgerFactory implements LedgerConnectorFactory {
    public static final String KIND = "reference";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public LedgerConnector open(LedgerEnvironment env) {
        String url = env.setting("url").orElse(String.format("jdbc:h2:file:%s;WRITE_DELAY=0",
                env.dataDir().resolve("ledger").toAbsolutePath()));
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, env.setting("user").orElse("gateway"),
                env.required("password"));
        pool.setMaxConnections(32);
        try {
            return new ReferenceLedger(pool, env.networkId(), KeyFiles.loadOrCreate(env.dataDir(), "ledger"),
                    env.codec(), env.clock()).createSchema();
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }
}
