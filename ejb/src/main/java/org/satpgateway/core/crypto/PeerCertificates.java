package org.satpgateway.core.crypto;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.port.KeyAuthority;
import org.satpgateway.core.port.TrustedPeers;

/**
 * The counterpart's signing keys, each with the certificate that its organisation's CA issued for it and the gateway
 * it stands for. A key is trusted for a gateway while it is active and its certificate, issued by a trusted root, is
 * valid. A key that a later one replaced (key loss, takeover by a backup) is retired: it is trusted no more, and an
 * announcement of it is refused.
 *
 * <p>As a {@link KeyAuthority}, it decides on a counterpart's new key (protocol.md, Primary-backup, new keys): the
 * certificate must be for the announced key, (1) issued by a trusted root and valid now, (2) from the same issuer as
 * the certificate of the key it replaces, and for a backup (3) listed among that certificate's authorised backups;
 * otherwise (a new key of the same gateway) its subject must be that gateway. Thread-safe.
 */
public final class PeerCertificates implements TrustedPeers, KeyAuthority {
    private final List<X509Certificate> roots;
    private final Clock clock;
    private final Map<PublicJwk, Entry> keys = new ConcurrentHashMap<>();

    /** A known key: its certificate, the gateway it stands for, and whether a later key replaced it. */
    public record Entry(X509Certificate certificate, String gatewayId, boolean retired, java.time.Instant since) {}

    /** @param roots the counterpart organisation's roots (the trust store) */
    public PeerCertificates(List<X509Certificate> roots, Clock clock) {
        this.roots = List.copyOf(roots);
        this.clock = clock;
    }

    /**
     * Adds a configured certificate of the counterpart, standing for the gateway of its subject; empty when it was
     * added, else why it is not trusted. A key already known keeps its state.
     */
    public Optional<String> add(X509Certificate cert) {
        Optional<String> problem = problem(cert);
        if (problem.isPresent()) {
            return problem;
        }
        Optional<PublicJwk> key = Certificates.signingKey(cert);
        if (key.isEmpty()) {
            return Optional.of("the certificate of " + Certificates.commonName(cert) + " holds no supported signing key");
        }
        keys.putIfAbsent(key.get(), new Entry(cert, Certificates.commonName(cert), false, java.time.Instant.EPOCH));
        return Optional.empty();
    }

    /** Records a key as it was decided earlier (the gateway's database), whatever this instance knew of it. */
    public void restore(PublicJwk key, Entry entry) {
        keys.put(key, entry);
    }

    /**
     * Makes an announced key (already {@link #check checked}) the active key of {@code gatewayId} and retires
     * {@code replaced}.
     */
    public Entry accept(String gatewayId, PublicJwk replaced, Recover announcement) {
        X509Certificate cert = Certificates.fromPem(announcement.certificate()).get(0);
        Entry e = new Entry(cert, gatewayId, false, clock.instant());
        keys.put(announcement.newIdentityPublicKey(), e);
        if (replaced != null && !replaced.equals(announcement.newIdentityPublicKey())) {
            keys.computeIfPresent(replaced, (k, old) -> new Entry(old.certificate(), old.gatewayId(), true, clock.instant()));
        }
        return e;
    }

    /** The known key's entry. */
    public Optional<Entry> entry(PublicJwk key) {
        return Optional.ofNullable(keys.get(key));
    }

    /** The active key of a gateway accepted last: the one it signs new sessions with. */
    public Optional<PublicJwk> current(String gatewayId) {
        return keys.entrySet().stream()
                .filter(e -> !e.getValue().retired() && e.getValue().gatewayId().equals(gatewayId))
                .max(java.util.Comparator.comparing(e -> e.getValue().since()))
                .map(Map.Entry::getKey);
    }

    /** The active keys of a gateway. */
    public List<PublicJwk> active(String gatewayId) {
        List<PublicJwk> out = new ArrayList<>();
        keys.forEach((k, e) -> {
            if (!e.retired() && e.gatewayId().equals(gatewayId)) {
                out.add(k);
            }
        });
        return out;
    }

    /** Why {@code cert} is not issued by any trusted root, valid now; empty when it is. */
    public Optional<String> problem(X509Certificate cert) {
        if (roots.isEmpty()) {
            return Optional.of("no counterpart root is trusted");
        }
        String why = null;
        for (X509Certificate root : roots) {
            Optional<String> p = Certificates.problem(cert, root, clock.instant());
            if (p.isEmpty()) {
                return p;
            }
            why = why == null ? p.get() : why + "; " + p.get();
        }
        return Optional.of(why);
    }

    /** The certificate of a known key. */
    public Optional<X509Certificate> certificateOf(PublicJwk key) {
        return entry(key).map(Entry::certificate);
    }

    @Override
    public boolean isTrusted(String gatewayId, PublicJwk key) {
        Entry e = keys.get(key);
        return e != null && !e.retired() && e.gatewayId().equals(gatewayId) && problem(e.certificate()).isEmpty();
    }

    @Override
    public Optional<Rejection> check(String peerGatewayId, PublicJwk currentKey, Recover announcement) {
        PublicJwk announced = announcement.newIdentityPublicKey();
        if (announcement.certificate() == null || announcement.certificate().isBlank()) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "a new key needs its certificate");
        }
        X509Certificate cert;
        try {
            List<X509Certificate> certs = Certificates.fromPem(announcement.certificate());
            if (certs.isEmpty()) {
                return refuse(SatpError.KEY_NOT_AUTHORISED, "no certificate in the announcement");
            }
            cert = certs.get(0);
        } catch (IllegalArgumentException e) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the certificate cannot be read: " + e.getMessage());
        }
        if (!Certificates.signingKey(cert).map(announced::equals).orElse(false)) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the certificate is not for the announced key");
        }
        Optional<String> chain = problem(cert);
        if (chain.isPresent()) {
            return refuse(SatpError.NOT_AUTHORISED, "the new key is not certified by the counterpart organisation's CA: " + chain.get());
        }
        Entry known = keys.get(announced);
        if (known != null && known.retired()) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the announced key was replaced before and cannot come back");
        }
        Entry current = keys.get(currentKey);
        if (current == null) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the certificate of the key the session is signed with is unknown here");
        }
        if (current.retired()) {
            // the crashed key was replaced already (by a backup's takeover or a new key pair): only that successor,
            // announced again on another session, is accepted; a retired certificate authorises nobody else
            if (known != null && known.gatewayId().equals(current.gatewayId())) {
                return Optional.empty();
            }
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the key of " + Certificates.commonName(current.certificate())
                    + " was already replaced by " + current(current.gatewayId())
                            .flatMap(this::certificateOf).map(Certificates::commonName).orElse("another key")
                    + ": one successor takes over, and one did");
        }
        if (!Certificates.issuer(cert).equals(Certificates.issuer(current.certificate()))) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "issued by " + Certificates.issuer(cert)
                    + ", not by the issuer of the crashed gateway's certificate, " + Certificates.issuer(current.certificate()));
        }
        if (announcement.isBackup()) {
            if (!Certificates.authorisedBackups(current.certificate()).contains(Certificates.sha256(cert))) {
                return refuse(SatpError.KEY_NOT_AUTHORISED, Certificates.commonName(cert)
                        + " is not among the authorised backups of " + Certificates.commonName(current.certificate()));
            }
        } else if (!Certificates.commonName(cert).equals(Certificates.commonName(current.certificate()))) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "a new key of " + Certificates.commonName(current.certificate())
                    + " certified for " + Certificates.commonName(cert) + " (a backup must say isBackup)");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> refuse(SatpError error, String detail) {
        return Optional.of(Rejection.of(error, detail));
    }
}
