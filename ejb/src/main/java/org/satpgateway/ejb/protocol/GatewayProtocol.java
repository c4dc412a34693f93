package org.satpgateway.ejb.protocol;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.util.List;
import java.util.Set;
import org.satpgateway.core.codec.MessageCodec;
import org.satpgateway.core.codec.MessageSigner;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.message.NetworkCapabilities;
import org.satpgateway.core.session.ClientStateMachine;
import org.satpgateway.core.session.Identity;
import org.satpgateway.core.session.RecoveryPlanner;
import org.satpgateway.core.session.Role;
import org.satpgateway.core.session.ServerStateMachine;
import org.satpgateway.core.session.SessionLog;
import org.satpgateway.core.session.SessionMachine;
import org.satpgateway.core.session.SessionPolicy;
import org.satpgateway.ejb.config.GatewayConfig;
import org.satpgateway.ejb.config.GatewaySettings;
import org.satpgateway.ejb.identity.GatewayIdentity;

/**
 * The protocol core as this gateway runs it, built once at start-up: the codec, the session log's replay, the client
 * and server state machines (the session policy from the settings, signing with the gateway's key) and their
 * recovery planners. Read-only after construction, so calls need no container lock.
 */
@Singleton
@Startup
@DependsOn({"GatewayConfig", "GatewayIdentity"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class GatewayProtocol {
    @EJB
    private GatewayConfig config;

    @EJB
    private GatewayIdentity identity;

    private MessageCodec codec;
    private SessionLog sessionLog;
    private ClientStateMachine client;
    private ServerStateMachine server;
    private RecoveryPlanner clientPlanner;
    private RecoveryPlanner serverPlanner;

    @PostConstruct
    void start() {
        GatewaySettings settings = config.settings();
        codec = new MessageCodec();
        sessionLog = new SessionLog(codec);
        SessionPolicy policy = new SessionPolicy(settings.gatewayId(), settings.networkId(), settings.ownerId(),
                List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES256K), settings.assetProfiles(),
                Set.of(NetworkCapabilities.LockType.TIME_LOCK), settings.lockExpiration(), settings.retryBase(),
                settings.ledgerPoll());
        MessageSigner signer = identity.signer(codec);
        client = new ClientStateMachine(signer, new SessionLog(codec), policy);
        server = new ServerStateMachine(signer, new SessionLog(codec), policy, identity.trustedPeers());
        Identity self = identity.identity();
        clientPlanner = new RecoveryPlanner(client, self, identity.peerCertificates());
        serverPlanner = new RecoveryPlanner(server, self, identity.peerCertificates());
    }

    public MessageCodec codec() {
        return codec;
    }

    public SessionLog sessionLog() {
        return sessionLog;
    }

    public ClientStateMachine client() {
        return client;
    }

    public ServerStateMachine server() {
        return server;
    }

    public SessionMachine machine(Role role) {
        return role == Role.CLIENT ? client : server;
    }

    public RecoveryPlanner planner(Role role) {
        return role == Role.CLIENT ? clientPlanner : serverPlanner;
    }
}
