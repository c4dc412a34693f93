package org.satpgateway.ejb.config;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.time.Clock;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gateway's settings ({@link GatewaySettings}, read once at start-up from MicroProfile Config) and its clock.
 * Read-only after construction, so calls need no container lock. Every other start-up bean that reads settings in
 * its {@code @PostConstruct} names this one in its {@code @DependsOn}.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class GatewayConfig {
    private GatewaySettings settings;
    private final Clock clock = Clock.systemUTC();

    @PostConstruct
    void start() {
        settings = GatewaySettings.from(ConfigProvider.getConfig());
    }

    public GatewaySettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }
}
