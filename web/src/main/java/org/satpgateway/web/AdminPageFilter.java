package org.satpgateway.web;

import jakarta.ejb.EJB;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.satpgateway.ejb.access.AccessControl;

/**
 * The operator's admin page, {@code /admin/} (the files of {@code webapp/admin}). The JAX-RS application takes every
 * path ({@code @ApplicationPath("/")}), so web.xml gives {@code /admin/*} to the container's default servlet; this
 * filter sends {@code /admin} to {@code /admin/}, answers {@code /admin/} with the page's {@code index.html}, and gives
 * each of the page's files its security headers: nothing but the gateway's own files may run or load (the page has no
 * inline script or style), no framing, no MIME sniffing, no referrer. The files hold no data: the page reads
 * everything from the operator API with the operator's own token. On the peer listener the filter does nothing, and
 * {@link PeerListenerFilter} refuses the path.
 */
@WebFilter(urlPatterns = "/admin/*", asyncSupported = true)
public class AdminPageFilter extends HttpFilter {
    static final String PAGE = "/admin/";
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

    @EJB
    private AccessControl access;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getLocalPort() == access.peerListenerPort()) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/admin")) {
            response.sendRedirect(request.getContextPath() + PAGE);
            return;
        }
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-cache");
        if (path.equals(PAGE)) {
            request.getRequestDispatcher(PAGE + "index.html").forward(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
