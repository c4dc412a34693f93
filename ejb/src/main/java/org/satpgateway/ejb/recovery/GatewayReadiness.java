package org.satpgateway.ejb.recovery;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code GET /health/ready}: up once start-up recovery has run and the gateway takes jobs. */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {
    @EJB
    private RecoveryCoordinator recovery;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("satp-gateway-recovery").status(recovery.ready())
                .withData("state", recovery.state()).build();
    }
}
