package dev.wordlm.events;

import java.time.Instant;
import java.util.UUID;

/** A run moved to another status (topic {@link Topics#RUN_STATUS}); {@code message} explains failures. */
public record RunStatusChanged(int schemaVersion, UUID runId, RunStatus status, String message, Instant at) {
    public static final int SCHEMA_VERSION = 1;

    public static RunStatusChanged of(UUID runId, RunStatus status, String message, Instant at) {
        return new RunStatusChanged(SCHEMA_VERSION, runId, status, message, at);
    }
}
