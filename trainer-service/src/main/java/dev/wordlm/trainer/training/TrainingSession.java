package dev.wordlm.trainer.training;

import dev.wordlm.train.CancellationToken;
import java.util.UUID;

/**
 * A run being trained in this process: its cancellation token, whether it must be abandoned, and its latest progress
 * (written by the training thread, read by the heartbeat).
 */
public final class TrainingSession {

    /** Progress at the latest batch log line. */
    public record Progress(int epoch, int batch, int batches, double lr, double tokensPerSecond, double loss) {
    }

    private final UUID runId;
    private final CancellationToken token = new CancellationToken();
    private volatile Abandoned.Reason abandoned;
    private volatile Progress progress;
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

    public Progress progress() {
        return progress;
    }

    void progress(Progress p) {
        progress = p;
    }

    void heartbeatSucceeded() {
        lastHeartbeatNanos = System.nanoTime();
    }

    long millisSinceHeartbeat() {
        return (System.nanoTime() - lastHeartbeatNanos) / 1_000_000;
    }
}
