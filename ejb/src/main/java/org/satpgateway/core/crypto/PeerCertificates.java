package org.satpgateway.core.crypto;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.SatpError;
import org.satpgateway.core.message.PublicJwk;
import org.satpgateway.core.message.Recover;
import org.satpgateway.core.port.KeyAuthority;
import org.satpgateway.core.port.TrustedPeers;

/**
 * The counterpart's signing keys, each with the certificate that its organisation's CA issued for it and the gateway
 * it stands for. A key is trusted for a gateway while it is active and its certificate is valid. A key that a later
 * one replaced (key loss, takeover by a backup) is retired: it is trusted no more, and an announcement of it is
 * refused.
 *
 * <p>A certificate is valid when the JDK's PKIX validator (RFC 5280) accepts its chain at the clock's instant: the
 * signing certificate, then any intermediate CA certificates of the counterpart's organisation, each issued by the
 * next, up to one of the trusted roots. Every certificate must be within its validity period, the CAs must be CAs
 * allowed to sign certificates (basic constraints, key usage, path length), no certificate may carry a critical
 * extension the validator does not know, and the signing certificate must allow digital signatures (key usage
 * digitalSignature). A trusted root must itself be a CA and valid at that instant. The revocation of the chain's
 * certificates is checked as a {@link Revocation} says; with {@link Revocation#NONE} it is not checked.
 *
 * <p>As a {@link KeyAuthority}, it decides on a counterpart's new key (protocol.md, Primary-backup, new keys): the
 * certificate (followed by its intermediate CA certificates, when the announcement carries them) must be for the
 * announced key, (1) valid now up to a trusted root, (2) from the same issuer as the certificate of the key it
 * replaces, and for a backup (3) listed among that certificate's authorised backups; otherwise (a new key of the same
 * gateway) its subject must be that gateway. Thread-safe.
 */
public final class PeerCertificates implements TrustedPeers, KeyAuthority {
    private final List<X509Certificate> roots;
    private final Revocation revocation;
    private final CertStore crls;
    private final Clock clock;
    private final Map<PublicJwk, Entry> keys = new ConcurrentHashMap<>();

    /**
     * A known key: its certificate and the intermediate CA certificates above it (nearest first, without the root),
     * the gateway it stands for, and whether a later key replaced it.
     */
    public record Entry(X509Certificate certificate, List<X509Certificate> intermediates, String gatewayId,
            boolean retired, Instant since) {
        public Entry {
            Objects.requireNonNull(certificate, "certificate");
            intermediates = List.copyOf(intermediates);
        }

        /** A key whose certificate a root issued directly (or whose intermediates are not known). */
        public Entry(X509Certificate certificate, String gatewayId, boolean retired, Instant since) {
            this(certificate, List.of(), gatewayId, retired, since);
        }

        /** The certificate, then its intermediates. */
        public List<X509Certificate> chain() {
            List<X509Certificate> chain = new ArrayList<>(intermediates.size() + 1);
            chain.add(certificate);
            chain.addAll(intermediates);
            return chain;
        }
    }

    /**
     * Without revocation checking.
     *
     * @param roots the counterpart organisation's roots (the trust store)
     */
    public PeerCertificates(List<X509Certificate> roots, Clock clock) {
        this(roots, Revocation.NONE, clock);
    }

    /**
     * @param roots the counterpart organisation's roots (the trust store)
     * @param revocation where the revocation of the counterpart's certificates is looked up
     */
    public PeerCertificates(List<X509Certificate> roots, Revocation revocation, Clock clock) {
        this.roots = List.copyOf(roots);
        this.revocation = Objects.requireNonNull(revocation, "revocation");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.crls = CertStore.getInstance("Collection", new CollectionCertStoreParameters(revocation.crls()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the CRLs: " + e.getMessage(), e);
        }
    }

    /**
     * Adds a configured certificate of the counterpart, standing for the gateway of its subject; empty when it was
     * added, else why it is not trusted. A key already known keeps its state.
     */
    public Optional<String> add(X509Certificate cert) {
        return add(List.of(cert));
    }

    /**
     * Adds a configured certificate of the counterpart with the intermediate CA certificates above it (the chain,
     * signing certificate first), standing for the gateway of its subject; empty when it was added, else why it is
     * not trusted. A key already known keeps its state.
     */
    public Optional<String> add(List<X509Certificate> chain) {
        Optional<String> problem = problem(chain);
        if (problem.isPresent()) {
            return problem;
        }
        X509Certificate cert = chain.get(0);
        Optional<PublicJwk> key = Certificates.signingKey(cert);
        if (key.isEmpty()) {
            return Optional.of("the certificate of " + Certificates.commonName(cert) + " holds no supported signing key");
        }
        keys.putIfAbsent(key.get(),
                new Entry(cert, intermediates(chain), Certificates.commonName(cert), false, Instant.EPOCH));
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
        List<X509Certificate> chain = Certificates.fromPem(announcement.certificate());
        Entry e = new Entry(chain.get(0), intermediates(chain), gatewayId, false, clock.instant());
        keys.put(announcement.newIdentityPublicKey(), e);
        if (replaced != null && !replaced.equals(announcement.newIdentityPublicKey())) {
            keys.computeIfPresent(replaced, (k, old) ->
                    new Entry(old.certificate(), old.intermediates(), old.gatewayId(), true, clock.instant()));
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

    /** Why {@code cert}, issued directly by a trusted root, is not valid now; empty when it is. */
    public Optional<String> problem(X509Certificate cert) {
        return problem(List.of(cert));
    }

    /**
     * Why a chain is not valid now (see the class comment); empty when it is. The chain is the signing certificate,
     * then the intermediate CA certificates above it, each followed by its issuer; a trusted root at its end is
     * allowed and ignored. The reason starts with what failed: "not for signing: ...", "not valid at ...", "revoked:
     * ...", "revocation status unknown: ...", "unknown critical extension ..." or "no path to a trusted root: ...".
     */
    public Optional<String> problem(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return Optional.of("no certificate");
        }
        X509Certificate leaf = chain.get(0);
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || !usage[0]) {
            return Optional.of("not for signing: the key usage of " + Certificates.subject(leaf)
                    + " does not include digitalSignature");
        }
        Instant now = clock.instant();
        Date at = Date.from(now);
        Set<TrustAnchor> anchors = new HashSet<>();
        List<String> unusable = new ArrayList<>();
        for (X509Certificate root : roots) {
            if (root.getBasicConstraints() < 0 || (root.getKeyUsage() != null && !root.getKeyUsage()[5])) {
                unusable.add(Certificates.subject(root) + " is not a CA");
            } else if (at.before(root.getNotBefore()) || at.after(root.getNotAfter())) {
                unusable.add(Certificates.subject(root) + " is not valid at " + now);
            } else {
                anchors.add(new TrustAnchor(root, null));
            }
        }
        String ignored = unusable.isEmpty() ? "" : " (trusted roots not used: " + String.join("; ", unusable) + ")";
        if (anchors.isEmpty()) {
            return Optional.of("no path to a trusted root: no counterpart root is usable" + ignored);
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters params = new PKIXParameters(anchors);
            params.setDate(at);
            params.setRevocationEnabled(false);
            if (revocation.checked()) {
                params.addCertStore(crls);
                params.addCertPathChecker(revocationChecker(validator));
            }
            validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return Optional.empty();
        } catch (CertPathValidatorException e) {
            return Optional.of(reason(e, path, now) + ignored);
        } catch (GeneralSecurityException e) {
            return Optional.of("no path to a trusted root: the chain cannot be checked: " + e.getMessage());
        }
    }

    /**
     * The JDK's revocation checker set up as {@link Revocation} documents: OCSP first with the CRLs as fallback, or
     * CRLs only; soft fail unless the status is required. Every certificate of the chain is checked, not only the
     * signing certificate.
     */
    private PKIXRevocationChecker revocationChecker(CertPathValidator validator) {
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        Set<PKIXRevocationChecker.Option> options = EnumSet.noneOf(PKIXRevocationChecker.Option.class);
        if (revocation.ocspResponder().isPresent()) {
            checker.setOcspResponder(revocation.ocspResponder().get());
            if (revocation.crls().isEmpty()) {
                options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
            }
        } else {
            options.add(PKIXRevocationChecker.Option.PREFER_CRLS);
            options.add(PKIXRevocationChecker.Option.NO_FALLBACK);
        }
        if (!revocation.required()) {
            options.add(PKIXRevocationChecker.Option.SOFT_FAIL);
        }
        checker.setOptions(options);
        return checker;
    }

    private static String reason(CertPathValidatorException e, List<X509Certificate> path, Instant now) {
        int index = e.getIndex();
        X509Certificate cert = index >= 0 && index < path.size() ? path.get(index) : null;
        String which = cert == null ? "" : Certificates.subject(cert) + ": ";
        CertPathValidatorException.Reason r = e.getReason();
        if (r == CertPathValidatorException.BasicReason.EXPIRED
                || r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "not valid at " + now + ": " + (cert == null ? e.getMessage() : Certificates.subject(cert) + " is valid "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant());
        }
        if (r == CertPathValidatorException.BasicReason.REVOKED) {
            return "revoked: " + which + e.getMessage();
        }
        if (r == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return "revocation status unknown: " + which + e.getMessage();
        }
        if (r == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
            return "unknown critical extension in " + which + e.getMessage();
        }
        if (r == PKIXReason.NO_TRUST_ANCHOR) {
            X509Certificate last = path.get(path.size() - 1);
            return "no path to a trusted root: " + e.getMessage() + " (the chain ends at " + Certificates.subject(last)
                    + ", issued by " + Certificates.issuer(last) + ")";
        }
        return "no path to a trusted root: " + which + e.getMessage();
    }

    private static List<X509Certificate> intermediates(List<X509Certificate> chain) {
        return chain.subList(1, chain.size());
    }

    /** The certificate of a known key. */
    public Optional<X509Certificate> certificateOf(PublicJwk key) {
        return entry(key).map(Entry::certificate);
    }

    @Override
    public boolean isTrusted(String gatewayId, PublicJwk key) {
        Entry e = keys.get(key);
        return e != null && !e.retired() && e.gatewayId().equals(gatewayId) && problem(e.chain()).isEmpty();
    }

    @Override
    public Optional<Rejection> check(String peerGatewayId, PublicJwk currentKey, Recover announcement) {
        PublicJwk announced = announcement.newIdentityPublicKey();
        if (announcement.certificate() == null || announcement.certificate().isBlank()) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "a new key needs its certificate");
        }
        List<X509Certificate> certs;
        try {
            certs = Certificates.fromPem(announcement.certificate());
            if (certs.isEmpty()) {
                return refuse(SatpError.KEY_NOT_AUTHORISED, "no certificate in the announcement");
            }
        } catch (IllegalArgumentException e) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the certificate cannot be read: " + e.getMessage());
        }
        X509Certificate cert = certs.get(0);
        if (!Certificates.signingKey(cert).map(announced::equals).orElse(false)) {
            return refuse(SatpError.KEY_NOT_AUTHORISED, "the certificate is not for the announced key");
        }
        Optional<String> chain = problem(certs);
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
