package org.satpgateway.ejb.access;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Who may use the gateway's back-office, ledger and operator interfaces: the bearer-token check, built at start-up
 * from {@code gateway.auth.*} (docs/configuration.md). A gateway without an identity provider's issuer and keys does
 * not start: there is no open default.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class AccessControl {
    private static final Logger LOG = Logger.getLogger(AccessControl.class.getName());

    private AccessTokens tokens;
    private int peerListenerPort;

    @PostConstruct
    void start() {
        Config config = ConfigProvider.getConfig();
        tokens = new AccessTokens(settings(config));
        peerListenerPort = config.getOptionalValue("gateway.peer-listener.port", Integer.class).orElseThrow(() ->
                new IllegalStateException("gateway.peer-listener.port is not set: the port of the listener where the"
                        + " counterpart calls POST /satp/v1/messages, and nothing else (docs/security.md)"));
        LOG.info(() -> "back-office and operator tokens: issuer " + tokens.settings().issuer() + ", audience "
                + tokens.settings().audience() + ", keys " + tokens.settings().jwks());
    }

    /** The settings; a missing issuer or key set fails start-up with the setting's name. */
    static AccessTokens.Settings settings(Config c) {
        String issuer = c.getOptionalValue("gateway.auth.issuer", String.class).orElseThrow(() -> new IllegalStateException(
                "gateway.auth.issuer is not set: the gateway takes back-office and operator calls only with tokens of"
                        + " a configured identity provider (docs/security.md)"));
        String jwks = c.getOptionalValue("gateway.auth.jwks", String.class).orElseThrow(() -> new IllegalStateException(
                "gateway.auth.jwks is not set: the identity provider's public keys (a JWK set file or https URL)"));
        return new AccessTokens.Settings(issuer,
                c.getOptionalValue("gateway.auth.audience", String.class).orElseGet(() -> c.getValue("gateway.id", String.class)),
                jwks,
                c.getOptionalValue("gateway.auth.roles-claim", String.class).orElse("groups"),
                c.getOptionalValue("gateway.auth.accounts-claim", String.class).orElse("satp_accounts"));
    }

    /** The port of the peer listener, which serves {@code POST /satp/v1/messages} only. */
    public int peerListenerPort() {
        return peerListenerPort;
    }

    /** The caller a bearer token stands for. */
    public AccessTokens.Caller verify(String token) throws AccessTokens.Refused {
        return tokens.verify(token);
    }
}
