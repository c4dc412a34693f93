package org.satpgateway.web;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;
import org.satpgateway.core.ledger.LedgerUnavailableException;

/**
 * A ledger that does not answer in time (a node down, an account busy sending) is a passing condition, not an
 * incident: the caller gets 503 with the ledger's reason and a Retry-After, the log one WARNING line.
 */
@Provider
public class LedgerUnavailableMapper implements ExceptionMapper<LedgerUnavailableException> {
    private static final Logger LOG = Logger.getLogger(LedgerUnavailableMapper.class.getName());

    @Override
    public Response toResponse(LedgerUnavailableException e) {
        LOG.warning("a ledger request was not served: " + e.getMessage());
        return Response.fromResponse(Problems.of(503, "Ledger unavailable", "the ledger did not answer in time and"
                + " the request may not have been carried out; retry later: " + e.getMessage()))
                .header("Retry-After", "2").build();
    }
}
