package org.satpgateway.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import org.satpgateway.ejb.access.Roles;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** {@code GET /api/v1/version}: the product name and the version it was built as (back offices and operators). */
@Path("api/v1/version")
@RequestScoped
@RolesAllowed({Roles.BACK_OFFICE, Roles.OPERATOR})
public class VersionResource {

    /** Written at build time by Maven resource filtering (see web/pom.xml). */
    static final String BUILD_INFO = "/org/satpgateway/web/version.properties";

    private static final Properties BUILD = load();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> version() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("product", BUILD.getProperty("product"));
        body.put("version", BUILD.getProperty("version"));
        return body;
    }

    private static Properties load() {
        try (InputStream in = VersionResource.class.getResourceAsStream(BUILD_INFO)) {
            if (in == null) {
                throw new IllegalStateException(BUILD_INFO + " is missing from the web module");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUILD_INFO, e);
        }
    }
}
