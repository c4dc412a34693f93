package org.satpgateway.ejb.console;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.lang.management.ManagementFactory;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health beyond start-up recovery: readiness per dependency (the log database, the broker, the ledger;
 * each down when it does not answer within a few seconds), the counterpart as a check that is always up and carries
 * its reachability and the certificates' days left as data (a peer that is down does not make this gateway unready:
 * its messages wait in the outbound queue), and liveness.
 */
@ApplicationScoped
public class DependencyHealth {
    @EJB
    private GatewayStatus status;

    @Produces
    @Readiness
    HealthCheck logDatabase() {
        return () -> dependency("log-database");
    }

    @Produces
    @Readiness
    HealthCheck broker() {
        return () -> dependency("broker");
    }

    @Produces
    @Readiness
    HealthCheck ledger() {
        return () -> dependency("ledger");
    }

    @Produces
    @Readiness
    HealthCheck peer() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("satp-gateway-peer").up();
            try {
                GatewayStatus.Peer p = status.peer();
                b.withData("gatewayId", String.valueOf(p.gatewayId()))
                        .withData("reachable", String.valueOf(p.reachable()))
                        .withData("lastDelivered", String.valueOf(p.lastDelivered()));
                if (p.failingSince() != null) {
                    b.withData("failingSince", p.failingSince().toString()).withData("lastFailure", String.valueOf(p.lastFailure()));
                }
                for (GatewayStatus.CertificateView c : p.certificates()) {
                    b.withData(c.name() + " days left", c.daysLeft());
                }
            } catch (RuntimeException e) {
                b.withData("problem", String.valueOf(e.getMessage()));
            }
            return b.build();
        };
    }

    @Produces
    @Liveness
    HealthCheck alive() {
        return () -> HealthCheckResponse.named("satp-gateway").up()
                .withData("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000).build();
    }

    private HealthCheckResponse dependency(String name) {
        GatewayStatus.Check c = status.check(name);
        return HealthCheckResponse.named("satp-gateway-" + name).status(c.up()).withData("detail", String.valueOf(c.detail())).build();
    }
}
