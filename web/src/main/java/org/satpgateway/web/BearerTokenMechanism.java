package org.satpgateway.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.satpgateway.ejb.access.AccessControl;
import org.satpgateway.ejb.access.AccessTokens;

/**
 * Jakarta Security's authentication of every request: {@code Authorization: Bearer <JWT>} of the bank's identity
 * provider makes the caller the token's subject, with its roles. A request without a token, or with one that is not
 * accepted, goes on anonymous with the reason noted; {@link AccessRules} then answers 401 wherever a role is needed.
 * (Answering here would leave the body of the refusal to the container.)
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {
    /** The request attribute with the reason a presented token was not accepted. */
    static final String REFUSED = "org.satpgateway.access.refused";
    /** The request attribute with the authenticated {@link AccessTokens.Caller} (its accounts, for the job's check). */
    static final String CALLER = "org.satpgateway.access.caller";

    @EJB
    private AccessControl access;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return context.doNothing();
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            request.setAttribute(REFUSED, "only bearer tokens are taken (Authorization: Bearer <token>)");
            return context.doNothing();
        }
        try {
            AccessTokens.Caller caller = access.verify(header.substring(7).trim());
            request.setAttribute(CALLER, caller);
            return context.notifyContainerAboutLogin(new CallerPrincipal(caller.name()), caller.roles());
        } catch (AccessTokens.Refused e) {
            request.setAttribute(REFUSED, e.getMessage());
            return context.doNothing();
        }
    }
}
