package dev.wordlm.generator.model;

import dev.wordlm.problem.ProblemException;

/** A pin named a checkpoint or run the trainer does not know (or a run without checkpoints). */
public class CheckpointNotFoundException extends ProblemException {
    public CheckpointNotFoundException(String message) {
        super(404, "not-found", message);
    }
}
