package org.satpgateway.ejb.outbound;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.satpgateway.ejb.config.GatewaySettings;
import org.satpgateway.ejb.config.PkiFiles;

/**
 * The client side of mutual TLS to the counterpart: TLS 1.3 only, this gateway's TLS key and certificate from its
 * key store, and only the roots of its trust store (the counterpart organisation's) trusted. Each context has its own
 * session cache, so a new context never resumes a session of an older one. (Payara makes its own stores the JVM's
 * default context; the gateway never uses that one.)
 */
public final class PeerTls {
    public static final String PROTOCOL = "TLSv1.3";

    private PeerTls() {}

    /**
     * A new client context from the key store and trust store files, read now.
     *
     * @param fullHandshake told the counterpart's certificate chain at every full handshake (a resumed TLS 1.3
     *     session sends no certificate, so it is not told)
     */
    public static SSLContext newContext(GatewaySettings.Tls tls, Consumer<X509Certificate[]> fullHandshake) {
        return context(tls.keyStore(), tls.keyStorePassword(), tls.trustStore(), tls.trustStorePassword(), PROTOCOL,
                fullHandshake);
    }

    /**
     * A client context of a PKCS12 key store ({@code null}: no client certificate) and trust store, for
     * {@code protocol}; {@code fullHandshake} as in {@link #newContext}.
     */
    public static SSLContext context(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
            String protocol, Consumer<X509Certificate[]> fullHandshake) {
        try {
            KeyManager[] keyManagers = null;
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(PkiFiles.load(keyStore, keyStorePassword), keyStorePassword);
                keyManagers = kmf.getKeyManagers();
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(PkiFiles.load(trustStore, trustStorePassword));
            X509ExtendedTrustManager checked = null;
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    checked = x;
                }
            }
            if (checked == null) {
                throw new GeneralSecurityException("no X.509 trust manager");
            }
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(keyManagers, new TrustManager[] {new Observed(checked, fullHandshake)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS from " + keyStore + " and " + trustStore
                    + ": " + e.getMessage(), e);
        }
    }

    /** Parameters that allow TLS 1.3 only. */
    public static SSLParameters parameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        return p;
    }

    /** The trust store's checks, unchanged, and a word after every server chain that passed them. */
    private static final class Observed extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final Consumer<X509Certificate[]> fullHandshake;

        Observed(X509ExtendedTrustManager delegate, Consumer<X509Certificate[]> fullHandshake) {
            this.delegate = delegate;
            this.fullHandshake = fullHandshake;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
            fullHandshake.accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkServerTrusted(chain, authType, engine);
            fullHandshake.accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            fullHandshake.accept(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
