package dev.wordlm.train;

import java.nio.file.Path;

/**
 * The end of a training run.
 *
 * @param epochsCompleted epochs trained and validated (including ones done before a resume)
 * @param bestValidLoss   best validation loss, {@code NaN} if no epoch completed
 * @param testLoss        test loss of the best model (or of the current one if no epoch completed)
 * @param cancelled       stopped early by a cancellation, like Ctrl-C in the reference
 * @param bestCheckpoint  the saved best model, {@code null} if no epoch completed
 */
public record TrainingResult(int epochsCompleted, double bestValidLoss, double testLoss, boolean cancelled,
                             Path bestCheckpoint) {
    public double testPerplexity() {
        return Math.exp(testLoss);
    }

    public double bestValidPerplexity() {
        return Math.exp(bestValidLoss);
    }
}
