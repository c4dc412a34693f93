package org.satpgateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class VersionResourceTest {

    @Test
    void reportsProductAndTheFilteredProjectVersion() {
        String projectVersion = System.getProperty("project.version");
        assertNotNull(projectVersion, "surefire must pass project.version (see web/pom.xml)");

        Map<String, String> body = new VersionResource().version();

        assertEquals(Map.of("product", "SATP Gateway", "version", projectVersion), body);
        assertEquals(List.of("product", "version"), List.copyOf(body.keySet()), "field order of the JSON object");
    }
}
