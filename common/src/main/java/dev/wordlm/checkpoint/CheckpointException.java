package dev.wordlm.checkpoint;

/** A checkpoint file that cannot be used, with the exact reason. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
