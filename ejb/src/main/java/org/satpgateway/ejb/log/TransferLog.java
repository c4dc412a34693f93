package org.satpgateway.ejb.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A server-log line about one transfer: its text starts with the session id and the transferContextId, and the
 * record carries both as parameters in a map, which Payara's JSON log format writes as the fields {@code sessionId}
 * and {@code transferContextId} (docs/operations.md, Logs). Braces in the text become brackets: with parameters, a
 * formatter may read braces as placeholders.
 */
public final class TransferLog {
    private TransferLog() {
    }

    /** Logs {@code message} about the session; {@code transferContextId} may be null when unknown. */
    public static void log(Logger logger, Level level, String sessionId, String transferContextId, Supplier<String> message) {
        log(logger, level, sessionId, transferContextId, message, null);
    }

    public static void log(Logger logger, Level level, String sessionId, String transferContextId, Supplier<String> message,
            Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        if (sessionId != null) {
            fields.put("sessionId", sessionId);
        }
        if (transferContextId != null) {
            fields.put("transferContextId", transferContextId);
        }
        LogRecord r = new LogRecord(level, "session " + sessionId + (transferContextId == null ? "" : " (" + transferContextId
                + ")") + ": " + message.get().replace('{', '[').replace('}', ']'));
        r.setParameters(new Object[] {fields});
        r.setLoggerName(logger.getName());
        r.setThrown(thrown);
        logger.log(r);
    }
}
