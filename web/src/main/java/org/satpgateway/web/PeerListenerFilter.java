package org.satpgateway.web;

import jakarta.ejb.EJB;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.satpgateway.ejb.access.AccessControl;

/**
 * The peer listener serves the protocol and nothing else: on its port ({@code gateway.peer-listener.port}) only
 * {@code POST /satp/v1/messages} reaches the application; any other path is 404 and any other method 405, before any
 * resource runs. The counterpart's certificate opens no back-office, ledger or operator path.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class PeerListenerFilter extends HttpFilter {
    static final String PEER_PATH = "/satp/v1/messages";

    @EJB
    private AccessControl access;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getLocalPort() != access.peerListenerPort()) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!PEER_PATH.equals(path)) {
            refuse(response, 404, "Not found", "the peer listener serves POST " + PEER_PATH + " only");
        } else if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            refuse(response, 405, "Method not allowed", "the peer listener serves POST " + PEER_PATH + " only");
        } else {
            chain.doFilter(request, response);
        }
    }

    private static void refuse(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        byte[] body = Problems.json(java.util.Map.of("type", "about:blank", "title", title, "status", status, "detail", detail))
                .getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
