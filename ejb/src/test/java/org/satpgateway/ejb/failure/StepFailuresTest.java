package org.satpgateway.ejb.failure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ejb.EJBException;
import jakarta.jms.JMSException;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.PersistenceException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.DateTimeException;
import org.junit.jupiter.api.Test;
import org.satpgateway.core.ledger.LedgerUnavailableException;

/** Which step failures may pass by themselves (retry) and which fail on every delivery (answer the counterpart). */
class StepFailuresTest {

    private static RuntimeException wrapped(Throwable cause) {
        return new EJBException(new PersistenceException("step failed", cause));
    }

    @Test
    void locksConnectionsAndDeadlocksPass() {
        assertTrue(StepFailures.passing(wrapped(new SQLException("Timeout trying to lock table", "HYT00", 50200))), "H2 lock timeout");
        assertTrue(StepFailures.passing(wrapped(new SQLException("canceling statement due to lock timeout", "55P03"))), "PostgreSQL lock timeout");
        assertTrue(StepFailures.passing(wrapped(new SQLException("deadlock detected", "40P01"))), "deadlock");
        assertTrue(StepFailures.passing(wrapped(new SQLException("connection refused", "08001"))), "connection");
        assertTrue(StepFailures.passing(new EJBException(new LockTimeoutException("row lock"))));
        assertTrue(StepFailures.passing(new IllegalStateException("cannot send", new JMSException("broker down"))));
        assertTrue(StepFailures.passing(new StepFailures.NotReady("start-up recovery runs")));
        assertTrue(StepFailures.passing(new EJBException(new LedgerUnavailableException("reference ledger ledger-one: down",
                new SQLNonTransientConnectionException("Connection is broken", "90067", new ConnectException("refused"))))),
                "the ledger is down (H2's own SQLSTATE 90067)");
        assertTrue(StepFailures.passing(wrapped(new SQLNonTransientConnectionException("Connection is broken", "90067"))));
    }

    @Test
    void refusedValuesAndBugsFailOnEveryDelivery() {
        assertFalse(StepFailures.passing(wrapped(new SQLException("Value too long for column", "22001", 22001))), "too long");
        assertFalse(StepFailures.passing(wrapped(new SQLException("Unique index violation", "23505"))), "constraint");
        assertFalse(StepFailures.passing(wrapped(new SQLException("no state"))), "a database error without a state");
        assertFalse(StepFailures.passing(new EJBException(new DateTimeException("Instant exceeds minimum or maximum"))));
        assertFalse(StepFailures.passing(new IllegalStateException("a bug")));
        assertFalse(StepFailures.passing(new EJBException((Exception) null)), "no cause at all");
    }

    @Test
    void theReasonNamesEveryCauseOnOneLine() {
        String reason = StepFailures.describe(wrapped(new SQLException("Value too long", "22001")));
        assertTrue(reason.startsWith("EJBException"), reason);
        assertTrue(reason.contains("<- PersistenceException: step failed <- SQLException: Value too long"), reason);
    }
}
