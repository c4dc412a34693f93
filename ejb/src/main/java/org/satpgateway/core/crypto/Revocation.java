package org.satpgateway.core.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the gateway learns whether a certificate of the counterpart's chain (its signing certificate and any
 * intermediate CA certificate above it) was revoked by the organisation's CA. Used by {@link PeerCertificates}.
 *
 * <ul>
 * <li>{@link #NONE}, no source: revocation is not checked at all.</li>
 * <li>CRLs only: each certificate of the chain is looked up in the CRLs of its issuer. A CRL counts only when it is
 * signed by that issuer's key and current at the time of the check (its thisUpdate to nextUpdate): an operator keeps
 * the files fresh.</li>
 * <li>An OCSP responder: each certificate of the chain is asked about at that URL (whatever its own certificate
 * names); when CRLs are given too, they are the fallback when the responder gives no answer.</li>
 * </ul>
 *
 * <p>A certificate found revoked is always refused. When its status cannot be determined (no current CRL of its
 * issuer, the responder unreachable or without an answer for it), {@code required} decides: {@code true} refuses
 * it (hard fail); {@code false} accepts it (soft fail), so that a responder that is down does not stop transfers.
 *
 * @param crls the CRLs of the counterpart organisation's CAs (its root and any intermediate CA)
 * @param ocspResponder the OCSP responder to ask, if any
 * @param required whether a certificate whose revocation status cannot be determined is refused
 */
public record Revocation(List<X509CRL> crls, Optional<URI> ocspResponder, boolean required) {
    /** No revocation checking. */
    public static final Revocation NONE = new Revocation(List.of(), Optional.empty(), false);

    public Revocation {
        crls = List.copyOf(crls);
        Objects.requireNonNull(ocspResponder, "ocspResponder");
        if (required && crls.isEmpty() && ocspResponder.isEmpty()) {
            throw new IllegalArgumentException(
                    "revocation checking is required, but neither CRLs nor an OCSP responder are given");
        }
    }

    /**
     * The settings as an operator writes them: CRL files (each DER or PEM, one or more CRLs), an OCSP responder URL
     * (blank for none), and whether the revocation status is required.
     *
     * @throws UncheckedIOException when a file cannot be read
     * @throws IllegalArgumentException when a file holds no CRL or the URL is not an absolute http(s) URL
     */
    public static Revocation of(List<Path> crlFiles, String ocspResponder, boolean required) {
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : crlFiles) {
            try {
                List<X509CRL> read = Certificates.crls(Files.readAllBytes(file));
                if (read.isEmpty()) {
                    throw new IllegalArgumentException("no CRL in " + file);
                }
                crls.addAll(read);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CRL file " + file, e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the CRL file " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        Optional<URI> ocsp = Optional.empty();
        if (ocspResponder != null && !ocspResponder.isBlank()) {
            URI uri = URI.create(ocspResponder.strip());
            if (!uri.isAbsolute() || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("the OCSP responder must be an http(s) URL: " + ocspResponder);
            }
            ocsp = Optional.of(uri);
        }
        return new Revocation(crls, ocsp, required);
    }

    /** Whether any source is given, that is whether revocation is checked. */
    public boolean checked() {
        return !crls.isEmpty() || ocspResponder.isPresent();
    }
}
