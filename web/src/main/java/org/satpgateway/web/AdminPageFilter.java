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
 * path ({@code @ApplicationPath("/")}), so this filter serves the page's few files itself, by name from a fixed list
 * (anything else under {@code /admin/} is 404): it sends {@code /admin} to {@code /admin/}, answers {@code /admin/}
 * with {@code index.html}, and gives each file its security headers: nothing but the gateway's own files may run or load (the page has no
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
        String name = path.equals(PAGE) ? "index.html" : path.substring(PAGE.length());
        String type = FILES.get(name);
        if (type == null || !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))) {
            response.sendError(type == null ? 404 : 405);
            return;
        }
        byte[] body = file(request, name);
        if (body == null) {
            response.sendError(404);
            return;
        }
        response.setContentType(type);
        response.setContentLength(body.length);
        if ("GET".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }

    /** The page's files and their content types; nothing else is served. */
    private static final java.util.Map<String, String> FILES = java.util.Map.of(
            "index.html", "text/html;charset=UTF-8",
            "admin.js", "text/javascript;charset=UTF-8",
            "admin.css", "text/css;charset=UTF-8",
            "favicon.svg", "image/svg+xml");

    private final java.util.Map<String, byte[]> read = new java.util.concurrent.ConcurrentHashMap<>();

    private byte[] file(HttpServletRequest request, String name) throws IOException {
        byte[] kept = read.get(name);
        if (kept != null) {
            return kept;
        }
        try (java.io.InputStream in = request.getServletContext().getResourceAsStream(PAGE + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            read.put(name, bytes);
            return bytes;
        }
    }
}
