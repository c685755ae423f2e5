package dev.wordlm.generator.inference;

import dev.wordlm.problem.ProblemException;
import java.util.List;

/** The request queue is full: answered 503 with Retry-After instead of queueing without bound. */
public class OverloadedException extends ProblemException {
    /** Seconds to wait when the queue is full: a short generation finishes well within it. */
    static final int RETRY_AFTER_SECONDS = 1;

    public OverloadedException(int capacity) {
        super(503, "overloaded", "the generator is busy: " + capacity
                + " requests are already running or queued; retry shortly", List.of(), RETRY_AFTER_SECONDS, null);
    }
}
