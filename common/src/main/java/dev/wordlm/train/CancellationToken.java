package dev.wordlm.train;

/** Asks a running training to stop after its current batch (Ctrl-C in the CLI, a cancel call in the service). */
public final class CancellationToken {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
