package org.satpgateway.core.crypto;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.port.TrustedPeers;

/**
 * The counterpart's signing keys that its organisation's CA has certified. A key is trusted for a gateway id when a
 * certificate issued by one of the trusted roots, valid now, binds it to that id (subject CN). Thread-safe.
 */
public final class PeerCertificates implements TrustedPeers {
    private final List<X509Certificate> roots;
    private final Clock clock;
    private final Map<PublicJwk, X509Certificate> certified = new ConcurrentHashMap<>();

    /** @param roots the counterpart organisation's roots (the trust store) */
    public PeerCertificates(List<X509Certificate> roots, Clock clock) {
        this.roots = List.copyOf(roots);
        this.clock = clock;
    }

    /** Adds a certificate of the counterpart; empty when it was added, else why it is not trusted. */
    public Optional<String> add(X509Certificate cert) {
        Optional<String> problem = problem(cert);
        if (problem.isPresent()) {
            return problem;
        }
        Optional<PublicJwk> key = Certificates.signingKey(cert);
        if (key.isEmpty()) {
            return Optional.of("the certificate of " + Certificates.commonName(cert) + " holds no supported signing key");
        }
        certified.put(key.get(), cert);
        return Optional.empty();
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

    /** The certificate of a trusted key. */
    public Optional<X509Certificate> certificateOf(PublicJwk key) {
        return Optional.ofNullable(certified.get(key));
    }

    @Override
    public boolean isTrusted(String gatewayId, PublicJwk key) {
        X509Certificate cert = certified.get(key);
        return cert != null && Certificates.commonName(cert).equals(gatewayId) && problem(cert).isEmpty();
    }
}
