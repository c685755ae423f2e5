package dev.wordlm.trainer.training;

import dev.wordlm.train.CancellationToken;
import dev.wordlm.train.TrainingListener.BatchProgress;
import java.util.UUID;

/**
 * A run being trained in this process: its cancellation token, whether it must be abandoned, and its latest progress
 * (written by the training thread, read by the heartbeat).
 */
public final class TrainingSession {

    private final UUID runId;
    private final CancellationToken token = new CancellationToken();
    private volatile Abandoned.Reason abandoned;
    /** Progress at the latest batch log line; null once its epoch is recorded. */
    private volatile BatchProgress progress;
    private volatile long lastHeartbeatNanos = System.nanoTime();

    public TrainingSession(UUID runId) {
        this.runId = runId;
    }

    public UUID runId() {
        return runId;
    }

    public CancellationToken token() {
        return token;
    }

    /** Stop after the current batch, evaluate the best model on test, end CANCELLED. */
    public void cancel() {
        token.cancel();
    }

    /** Stop after the current batch without finishing the run (see {@link Abandoned}). */
    public void abandon(Abandoned.Reason reason) {
        if (abandoned == null) {
            abandoned = reason;
        }
        token.cancel();
    }

    /** Called by the training listener: leaves the training loop when the run was abandoned. */
    void checkAbandoned() {
        Abandoned.Reason reason = abandoned;
        if (reason != null) {
            throw new Abandoned(reason);
        }
    }

    public BatchProgress progress() {
        return progress;
    }

    void progress(BatchProgress p) {
        progress = p;
    }

    void heartbeatSucceeded() {
        lastHeartbeatNanos = System.nanoTime();
    }

    long millisSinceHeartbeat() {
        return (System.nanoTime() - lastHeartbeatNanos) / 1_000_000;
    }
}
