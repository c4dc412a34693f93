package org.satpgateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.HttpMethod;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.satpgateway.ejb.access.Roles;

/**
 * Who may call what, read from the resources as {@link AccessRules} reads them: the table of docs/security.md. A new
 * resource method must be added here with its rule (it is refused to everyone until it declares one).
 */
class AccessRulesTest {
    private static final List<Class<?>> RESOURCES = List.of(TransferResource.class, LedgerResource.class,
            AdminResource.class, VersionResource.class, SatpMessageResource.class);

    @Test
    void everyResourceMethodDeclaresWhoMayCallIt() {
        Map<String, String> rules = new TreeMap<>();
        for (Class<?> c : RESOURCES) {
            for (Method m : c.getDeclaredMethods()) {
                if (Arrays.stream(m.getAnnotations()).noneMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class))) {
                    continue;
                }
                rules.put(c.getSimpleName() + "." + m.getName(), rule(m, c));
            }
        }
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("TransferResource.submit", Roles.BACK_OFFICE),
                Map.entry("TransferResource.transfer", Roles.BACK_OFFICE + "," + Roles.OPERATOR),
                Map.entry("TransferResource.transfers", Roles.BACK_OFFICE + "," + Roles.OPERATOR),
                Map.entry("LedgerResource.asset", Roles.BACK_OFFICE + "," + Roles.OPERATOR),
                Map.entry("LedgerResource.history", Roles.BACK_OFFICE + "," + Roles.OPERATOR),
                Map.entry("LedgerResource.supply", Roles.BACK_OFFICE + "," + Roles.OPERATOR),
                Map.entry("LedgerResource.issue", Roles.LEDGER_ISSUER),
                Map.entry("AdminResource.peerTls", Roles.OPERATOR),
                Map.entry("AdminResource.overview", Roles.OPERATOR),
                Map.entry("AdminResource.sessions", Roles.OPERATOR),
                Map.entry("AdminResource.session", Roles.OPERATOR),
                Map.entry("AdminResource.deadLetters", Roles.OPERATOR),
                Map.entry("AdminResource.alertList", Roles.OPERATOR),
                Map.entry("AdminResource.pause", Roles.OPERATOR),
                Map.entry("AdminResource.resume", Roles.OPERATOR),
                Map.entry("AdminResource.retry", Roles.OPERATOR),
                Map.entry("AdminResource.rollback", Roles.OPERATOR),
                Map.entry("AdminResource.redrive", Roles.OPERATOR),
                Map.entry("AdminResource.actions", Roles.OPERATOR),
                Map.entry("AdminResource.stepFailures", Roles.OPERATOR),
                Map.entry("VersionResource.version", Roles.BACK_OFFICE + "," + Roles.OPERATOR),
                Map.entry("SatpMessageResource.receive", "anyone (TLS certificate and signature)")));
        assertEquals(expected, rules);
    }

    @Test
    void theRolesAreTheOnesTheApplicationDeclares() throws Exception {
        String webXml = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/webapp/WEB-INF/web.xml"));
        String mapping = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/webapp/WEB-INF/glassfish-web.xml"));
        for (String role : List.of(Roles.BACK_OFFICE, Roles.OPERATOR, Roles.LEDGER_ISSUER)) {
            assertTrue(webXml.contains("<role-name>" + role + "</role-name>"), role + " declared in web.xml");
            assertTrue(mapping.contains("<role-name>" + role + "</role-name><group-name>" + role + "</group-name>"),
                    role + " mapped to the token group of the same name");
        }
    }

    private static String rule(Method m, Class<?> c) {
        List<String> roles = AccessRules.rule(m, c);
        return roles == null ? "nobody" : roles.equals(AccessRules.ANYONE) ? "anyone (TLS certificate and signature)"
                : String.join(",", roles);
    }
}
