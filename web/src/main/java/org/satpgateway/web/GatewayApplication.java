package org.satpgateway.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The JAX-RS application. Resources carry their full path ({@code api/v1/...}, {@code satp/v1/...}) so that the
 * same URLs hold under Payara Server (EAR, context root {@code /}) and Payara Micro.
 */
@ApplicationPath("/")
public class GatewayApplication extends Application {
}
