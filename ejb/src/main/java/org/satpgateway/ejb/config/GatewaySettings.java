package org.satpgateway.ejb.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.satpgateway.core.crypto.Revocation;

/**
 * The gateway's settings, read once at start-up through MicroProfile Config (system properties, environment,
 * {@code META-INF/microprofile-config.properties}). Every key starts with {@code gateway.}; docs/configuration.md
 * lists them.
 */
public record GatewaySettings(
        String gatewayId,
        String networkId,
        String ownerId,
        Path dataDir,
        String peerGatewayId,
        String peerNetworkId,
        String peerOwnerId,
        List<URI> peerEndpoints,
        Path peerCertificateFile,
        Tls tls,
        Optional<Path> caDir,
        Revocation revocation,
        Optional<Lease> lease,
        Set<String> assetProfiles,
        Duration retryBase,
        Duration lockExpiration,
        Duration defaultDeadline,
        int maxRetries,
        String ledgerKind,
        Duration ledgerPoll,
        boolean ledgerIssuing,
        int inboundDeliveryAttempts,
        boolean commitInDoubt) {

    /**
     * The files of mutual TLS and of the signing certificate (docs/security.md): the gateway's TLS key store, the
     * trust store with the counterpart organisation's root (which also certifies the counterpart's signing keys),
     * and this gateway's signing certificate.
     */
    public record Tls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
            Path signingCertificate) {}

    /**
     * The gateway lease of a primary-backup organisation (docs/security.md): this instance's name, the epoch its
     * standby took the lease with, whether it took it over from another instance, how often it renews it, and after
     * how long without renewal a standby may take it.
     */
    public record Lease(String instance, long epoch, boolean takeover, Duration renewEvery, Duration lapseAfter) {}

    /** Reads the settings; a missing mandatory key fails start-up with its name. */
    public static GatewaySettings from(Config c) {
        Path data = c.getOptionalValue("gateway.data-dir", String.class).map(Path::of)
                .orElseGet(() -> Path.of(Optional.ofNullable(System.getProperty("com.sun.aas.instanceRoot"))
                        .orElse(System.getProperty("java.io.tmpdir")), "data", "gateway"));
        return new GatewaySettings(
                c.getValue("gateway.id", String.class),
                c.getValue("gateway.network", String.class),
                c.getValue("gateway.owner", String.class),
                data,
                c.getValue("gateway.peer.id", String.class),
                c.getValue("gateway.peer.network", String.class),
                c.getValue("gateway.peer.owner", String.class),
                c.getValues("gateway.peer.endpoint", String.class).stream().map(String::trim).map(URI::create).toList(),
                Path.of(c.getValue("gateway.peer.certificate-file", String.class)),
                new Tls(path(c, "gateway.tls.key-store", data.resolve(PkiFiles.TLS_KEY_STORE)),
                        secret(c, "gateway.tls.key-store-password"),
                        path(c, "gateway.tls.trust-store", data.resolve(PkiFiles.TRUST_STORE)),
                        secret(c, "gateway.tls.trust-store-password"),
                        path(c, "gateway.signing-certificate", data.resolve(PkiFiles.SIGNING_CERTIFICATE))),
                c.getOptionalValue("gateway.pki.ca-dir", String.class).map(Path::of),
                Revocation.of(c.getOptionalValues("gateway.pki.crl-files", String.class).orElse(List.of()).stream()
                                .map(String::trim).filter(f -> !f.isEmpty()).map(Path::of).toList(),
                        c.getOptionalValue("gateway.pki.ocsp-responder", String.class).orElse(null),
                        c.getOptionalValue("gateway.pki.revocation-required", Boolean.class).orElse(false)),
                c.getOptionalValue("gateway.lease.instance", String.class).map(instance -> new Lease(instance,
                        c.getValue("gateway.lease.epoch", Long.class),
                        c.getOptionalValue("gateway.lease.takeover", Boolean.class).orElse(false),
                        Duration.ofMillis(c.getOptionalValue("gateway.lease.renew-ms", Long.class).orElse(1000L)),
                        Duration.ofMillis(c.getOptionalValue("gateway.lease.lapse-ms", Long.class).orElse(5000L)))),
                Set.copyOf(c.getOptionalValues("gateway.asset-profiles", String.class).orElse(List.of("bond/v1"))),
                Duration.ofMillis(c.getOptionalValue("gateway.retry-base-ms", Long.class).orElse(2000L)),
                Duration.ofSeconds(c.getOptionalValue("gateway.lock-expiration-s", Long.class).orElse(600L)),
                Duration.ofSeconds(c.getOptionalValue("gateway.default-deadline-s", Long.class).orElse(300L)),
                c.getOptionalValue("gateway.max-retries", Integer.class).orElse(5),
                c.getOptionalValue("gateway.ledger.kind", String.class).orElse("reference"),
                Duration.ofMillis(c.getOptionalValue("gateway.ledger.poll-ms", Long.class).orElse(1000L)),
                c.getOptionalValue("gateway.ledger.issuing", Boolean.class).orElse(false),
                c.getOptionalValue("gateway.inbound.delivery-attempts", Integer.class).orElse(5),
                c.getOptionalValue("gateway.in-doubt.commit", Boolean.class).orElse(true));
    }

    /** A password: there is no default, and a gateway without it does not start. */
    private static char[] secret(Config c, String key) {
        String value = c.getOptionalValue(key, String.class).orElseThrow(() -> new IllegalStateException(key
                + " is not set: the gateway has no default passwords (docs/security.md, Secrets)"));
        return value.toCharArray();
    }

    private static Path path(Config c, String key, Path fallback) {
        return c.getOptionalValue(key, String.class).map(Path::of).orElse(fallback);
    }
}
