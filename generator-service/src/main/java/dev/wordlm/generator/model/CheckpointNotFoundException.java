package dev.wordlm.generator.model;

/** A pin named a checkpoint or run the trainer does not know (or a run without checkpoints). */
public class CheckpointNotFoundException extends RuntimeException {
    public CheckpointNotFoundException(String message) {
        super(message);
    }
}
