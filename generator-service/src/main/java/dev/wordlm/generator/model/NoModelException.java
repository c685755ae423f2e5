package dev.wordlm.generator.model;

import dev.wordlm.problem.ProblemException;
import java.util.List;

/** Nothing is served yet: no checkpoint has been loaded since start-up. */
public class NoModelException extends ProblemException {
    /** Seconds a client should wait: loading a checkpoint takes about a second. */
    static final int RETRY_AFTER_SECONDS = 5;

    public NoModelException() {
        super(503, "no-model", "no model is loaded yet: waiting for the trainer to publish a checkpoint", List.of(),
                RETRY_AFTER_SECONDS, null);
    }
}
