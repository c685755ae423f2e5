package dev.wordlm.generator.model;

/** Nothing is served yet: no checkpoint has been loaded since start-up. */
public class NoModelException extends RuntimeException {
    public NoModelException() {
        super("no model is loaded yet: waiting for the trainer to publish a checkpoint");
    }
}
