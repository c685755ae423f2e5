package dev.wordlm.trainer.api;

/** A resource the client named does not exist: answered with 404. */
public class NotFoundProblem extends RuntimeException {
    public NotFoundProblem(String message) {
        super(message);
    }

    public static NotFoundProblem run(Object id) {
        return new NotFoundProblem("no run with id '" + id + "'");
    }
}
