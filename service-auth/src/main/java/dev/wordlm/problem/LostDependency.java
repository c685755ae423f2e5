package dev.wordlm.problem;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * Recognises a failure that means a dependency (the database) is unreachable rather than a bug: such a request is
 * answered 503 with {@code Retry-After}, and succeeds once the dependency is back, without a restart.
 */
final class LostDependency {
    /** Seconds a client should wait: the database pool reconnects within a few seconds of the server's return. */
    static final int RETRY_AFTER_SECONDS = 5;

    private LostDependency() {
    }

    static Optional<String> of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return Optional.of("database");
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                String message = String.valueOf(sql.getMessage());
                // 08: connection exceptions, 57P: the server shuts down or starts, 53: out of resources; a pool
                // that could not get a connection in time reports no state.
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))
                        || state == null && message.contains("acquisition timeout")) {
                    return Optional.of("database");
                }
            }
            if (t instanceof ConnectException) {
                return Optional.of("a service it depends on");
            }
        }
        return Optional.empty();
    }
}
