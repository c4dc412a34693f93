package org.satpgateway.web;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.logging.Logger;

/**
 * Who may call each resource method, from its {@code @RolesAllowed}, {@code @PermitAll} or {@code @DenyAll} (on the
 * method, else on its class). Default deny: a method that declares none of them is refused to everyone. No caller
 * where a role is needed is 401 with {@code WWW-Authenticate: Bearer} (and why the token was not taken); a caller
 * without the role is 403; both problem+json.
 */
@Provider
public class AccessRules implements DynamicFeature {
    private static final Logger LOG = Logger.getLogger(AccessRules.class.getName());

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method m = resource.getResourceMethod();
        List<String> roles = rule(m, resource.getResourceClass());
        if (roles == null) {
            // the gateway's own resources must declare a rule (AccessRulesTest); the JAX-RS runtime's own handlers
            // (OPTIONS) declare none and are refused quietly
            java.util.logging.Level level = resource.getResourceClass().getName().startsWith("org.satpgateway.")
                    ? java.util.logging.Level.WARNING : java.util.logging.Level.FINE;
            LOG.log(level, () -> resource.getResourceClass().getSimpleName() + "." + m.getName()
                    + " declares no access rule: it is refused to everyone");
            context.register(new Check(List.of()), PRIORITY);
        } else if (!roles.equals(ANYONE)) {
            context.register(new Check(roles), PRIORITY);
        }
    }

    static final List<String> ANYONE = List.of("*anyone*");
    /**
     * Before Payara's own check of {@code @RolesAllowed} (a 401 without {@code WWW-Authenticate} or the reason), so
     * that a refusal says why.
     */
    private static final int PRIORITY = Priorities.AUTHORIZATION - 100;

    /** The roles that may call {@code m} of {@code resource}; null when neither declares a rule. */
    static List<String> rule(Method m, Class<?> resource) {
        return rule(m).or(() -> rule(resource)).orElse(null);
    }

    /** The roles an element allows: empty for none ({@code @DenyAll}), {@link #ANYONE} for {@code @PermitAll}. */
    private static java.util.Optional<List<String>> rule(AnnotatedElement e) {
        if (e.isAnnotationPresent(DenyAll.class)) {
            return java.util.Optional.of(List.of());
        }
        if (e.isAnnotationPresent(PermitAll.class)) {
            return java.util.Optional.of(ANYONE);
        }
        RolesAllowed r = e.getAnnotation(RolesAllowed.class);
        return r == null ? java.util.Optional.empty() : java.util.Optional.of(List.of(r.value()));
    }

    /** The check of one method: the caller must hold one of the roles. */
    static final class Check implements ContainerRequestFilter {
        private final List<String> roles;

        Check(List<String> roles) {
            this.roles = roles;
        }

        @Override
        public void filter(ContainerRequestContext c) {
            if (roles.isEmpty()) {
                c.abortWith(Problems.of(403, "Forbidden", "this operation is not open to anyone"));
                return;
            }
            jakarta.ws.rs.core.SecurityContext s = c.getSecurityContext();
            if (s.getUserPrincipal() == null) {
                // in a servlet container the request's properties are its servlet attributes
                Object refused = c.getProperty(BearerTokenMechanism.REFUSED);
                String challenge = refused == null ? "Bearer realm=\"satp-gateway\""
                        : "Bearer realm=\"satp-gateway\", error=\"invalid_token\"";
                c.abortWith(Response.fromResponse(Problems.of(401, "Unauthorized", refused == null
                        ? "a bearer token of the bank's identity provider is needed (Authorization: Bearer <token>)"
                        : "the bearer token is not accepted: " + refused))
                        .header("WWW-Authenticate", challenge).build());
                return;
            }
            if (roles.stream().noneMatch(s::isUserInRole)) {
                c.abortWith(Problems.of(403, "Forbidden", s.getUserPrincipal().getName() + " may not do this: it needs the role "
                        + String.join(" or ", roles)));
            }
        }
    }
}
