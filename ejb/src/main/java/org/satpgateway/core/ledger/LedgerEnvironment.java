package org.satpgateway.core.ledger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.satpgateway.core.codec.MessageCodec;

/** What the gateway hands a ledger connector when it opens it. */
public interface LedgerEnvironment {
    /** The network id of the ledger, as SATP messages name it ({@code gateway.network-id}). */
    String networkId();

    /**
     * A connector setting, {@code gateway.ledger.<name>}, from the gateway's configuration (MicroProfile Config:
     * settings file, system properties, environment, Payara password aliases).
     */
    Optional<String> setting(String name);

    /** A required connector setting; fails with a message naming {@code gateway.ledger.<name>} when it is missing. */
    default String required(String name) {
        return setting(name).filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(
                "the ledger connector needs the setting gateway.ledger." + name));
    }

    /** The gateway's data folder; a connector keeps its own files (keys, journals) in a folder of its own below it. */
    Path dataDir();

    MessageCodec codec();

    Clock clock();
}
