package dev.wordlm.generator.model;

import dev.wordlm.problem.ProblemException;
import java.util.List;

/** The trainer could not be asked: unreachable, timed out, or answered with a server error or garbage. */
public class TrainerUnavailableException extends ProblemException {
    public TrainerUnavailableException(String message) {
        super(502, "trainer-unavailable", message, List.of(), null, null);
    }

    public TrainerUnavailableException(String message, Throwable cause) {
        super(502, "trainer-unavailable", message, List.of(), null, cause);
    }
}
