package dev.wordlm.generator.model;

/** The trainer could not be asked: unreachable, timed out, or answered with a server error or garbage. */
public class TrainerUnavailableException extends RuntimeException {
    public TrainerUnavailableException(String message) {
        super(message);
    }

    public TrainerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
