package org.satpgateway.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.satpgateway.ejb.access.Roles;

/**
 * {@code /metrics}, which Payara serves inside the application at the root context, is for operators: a caller
 * without the operator role's bearer token gets 401 (none, or not accepted) or 403 (another role), as problem+json.
 * (Payara's own metrics security would move the endpoint to the HTTPS listener, the peers' one, and use a password of
 * its own.) The health endpoints stay open to the orchestrator's probes; the peer listener serves neither
 * ({@link PeerListenerFilter}).
 */
@WebFilter(urlPatterns = {"/metrics", "/metrics/*"}, asyncSupported = true)
public class OperatorEndpointsFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.isUserInRole(Roles.OPERATOR)) {
            chain.doFilter(request, response);
            return;
        }
        boolean anonymous = request.getUserPrincipal() == null;
        int status = anonymous ? 401 : 403;
        if (anonymous) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        Object why = request.getAttribute(BearerTokenMechanism.REFUSED);
        String detail = anonymous ? "the metrics are for operators: send an operator's bearer token"
                + (why == null ? "" : " (" + why + ")") : "the metrics need the role " + Roles.OPERATOR;
        byte[] body = Problems.json(Map.of("type", "about:blank", "title", anonymous ? "Unauthorized" : "Forbidden",
                "status", status, "detail", detail)).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
