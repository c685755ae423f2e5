package dev.wordlm.generator.model;

import dev.wordlm.problem.ProblemException;
import java.util.List;
import java.util.UUID;

/** A checkpoint that must not be served: wrong digest, corrupt file, unloadable, or gone from the trainer. */
public class CheckpointRejectedException extends ProblemException {
    /** An event that does not describe a checkpoint: refused before any check. */
    public static final String MALFORMED_EVENT = "malformed-event";
    /** A checkpoint event names a checkpoint the trainer does not know (a forged or stale event). */
    public static final String UNKNOWN = "unknown-checkpoint";
    /** The trainer's record links to a file outside the trainer's origin: never connected to. */
    public static final String FOREIGN_URL = "foreign-url";
    /** Every reason, as a metric tag: a malformed event, or a checkpoint that fails one of the checks. */
    public static final List<String> REASONS = List.of(MALFORMED_EVENT, UNKNOWN, FOREIGN_URL,
            "sha-mismatch", "size", "corrupt", "load", "not-found");

    private final UUID checkpointId;
    private final String reason;

    public CheckpointRejectedException(UUID checkpointId, String reason, String message) {
        super(422, "checkpoint-rejected", message, List.of(), null, null);
        this.checkpointId = checkpointId;
        this.reason = reason;
    }

    public CheckpointRejectedException(UUID checkpointId, String reason, String message, Throwable cause) {
        super(422, "checkpoint-rejected", message, List.of(), null, cause);
        this.checkpointId = checkpointId;
        this.reason = reason;
    }

    public UUID checkpointId() {
        return checkpointId;
    }

    /** A short tag for metrics: one of {@link #REASONS}. */
    public String reason() {
        return reason;
    }
}
