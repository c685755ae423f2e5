package dev.wordlm.generator.model;

import dev.wordlm.problem.ProblemException;
import java.util.List;

/**
 * The trainer could not be asked: unreachable, timed out, or answered with a server error or garbage. Answered 502
 * (the request needed the trainer's answer) with {@code Retry-After}, since a trainer that restarts is soon back.
 */
public class TrainerUnavailableException extends ProblemException {
    static final int RETRY_AFTER_SECONDS = 5;

    public TrainerUnavailableException(String message) {
        super(502, "trainer-unavailable", message, List.of(), RETRY_AFTER_SECONDS, null);
    }

    public TrainerUnavailableException(String message, Throwable cause) {
        super(502, "trainer-unavailable", message, List.of(), RETRY_AFTER_SECONDS, cause);
    }
}
