package org.satpgateway.web;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whatever a resource did not answer itself becomes a problem+json response: the caller sees the status and an
 * incident id, the server log has the same id with the stack trace. A failed call changed nothing (its transaction
 * rolled back), so the caller may retry it; a repeated job is recognised by its transferContextId.
 */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<RuntimeException> {
    private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());

    @Override
    public Response toResponse(RuntimeException e) {
        if (e instanceof WebApplicationException w) {
            Response r = w.getResponse();
            return Problems.of(r.getStatus(), r.getStatusInfo().getReasonPhrase(), String.valueOf(w.getMessage()));
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.satpgateway.core.ledger.LedgerUnavailableException ledger) {
                return new LedgerUnavailableMapper().toResponse(ledger);
            }
            if (t instanceof jakarta.persistence.PessimisticLockException || t instanceof jakarta.persistence.LockTimeoutException) {
                // a step of the same session holds its row (it may wait for a slow ledger): a passing condition
                return Response.fromResponse(Problems.of(503, "Session busy", "a step of the session is running and holds it;"
                        + " nothing was changed: retry in a moment")).header("Retry-After", "2").build();
            }
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident, e);
        return Response.fromResponse(Problems.of(503, "Not processed", "the request was not processed and changed"
                + " nothing; retry later (incident " + incident + ")")).header("Retry-After", "5").build();
    }
}
