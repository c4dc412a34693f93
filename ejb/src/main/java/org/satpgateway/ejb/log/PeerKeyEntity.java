package org.satpgateway.ejb.log;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * A counterpart signing key this gateway decided on: accepted through a recover-msg that announced it (a key loss, or
 * a backup that took over), or retired because a later one replaced it. The configured certificate
 * ({@code gateway.peer.certificate-file}) needs no row until it is retired. Written in the step's transaction, so a
 * key is switched exactly when the session that announced it logs the announcement.
 */
@Entity
@Table(name = "SATP_PEER_KEY")
public class PeerKeyEntity {
    @Id
    @Column(name = "KEY_ID", length = 64)
    private String keyId;

    @Column(name = "GATEWAY_ID", length = 200, nullable = false)
    private String gatewayId;

    @Column(name = "JWK", length = 1000, nullable = false)
    private String jwk;

    @Lob
    @Column(name = "CERTIFICATE", nullable = false)
    private String certificate;

    @Column(name = "RETIRED", nullable = false)
    private boolean retired;

    @Column(name = "DECIDED_AT_MILLIS", nullable = false)
    private long decidedAtMillis;

    @Column(name = "SESSION_ID", length = 64)
    private String sessionId;

    protected PeerKeyEntity() {
        // for JPA
    }

    public PeerKeyEntity(String keyId, String gatewayId, String jwk, String certificate, boolean retired,
            long decidedAtMillis, String sessionId) {
        this.keyId = keyId;
        this.gatewayId = gatewayId;
        this.jwk = jwk;
        this.certificate = certificate;
        this.retired = retired;
        this.decidedAtMillis = decidedAtMillis;
        this.sessionId = sessionId;
    }

    public String keyId() {
        return keyId;
    }

    public String gatewayId() {
        return gatewayId;
    }

    public String jwk() {
        return jwk;
    }

    public String certificate() {
        return certificate;
    }

    public boolean retired() {
        return retired;
    }

    public long decidedAtMillis() {
        return decidedAtMillis;
    }

    public String sessionId() {
        return sessionId;
    }

    public void retire(long atMillis) {
        this.retired = true;
        this.decidedAtMillis = atMillis;
    }
}
