package dev.wordlm.generator.inference;

/** The request queue is full: answered 503 with Retry-After instead of queueing without bound. */
public class OverloadedException extends RuntimeException {
    public OverloadedException(int capacity) {
        super("the generator is busy: " + capacity + " requests are already running or queued; retry shortly");
    }
}
