package dev.wordlm.trainer.api;

/** The request is well formed but clashes with the current state (a finished run, a taken name): 409. */
public class ConflictProblem extends RuntimeException {
    public ConflictProblem(String message) {
        super(message);
    }
}
