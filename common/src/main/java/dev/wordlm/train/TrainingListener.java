package dev.wordlm.train;

import java.nio.file.Path;

/** Receives a training run's progress. Called on the training thread: keep the work short. */
public interface TrainingListener {

    /** A log line in the reference's format (the CLI prints these). */
    default void onLog(String line) {
    }

    /** Every {@code logInterval} batches. */
    default void onBatch(BatchProgress progress) {
    }

    /** After validation at the end of an epoch, when its checkpoints are written. */
    default void onEpoch(EpochResult result) {
    }

    /** A checkpoint file was written: the best model so far, or the resume state of the last epoch. */
    default void onCheckpoint(CheckpointSaved saved) {
    }

    /**
     * @param loss            mean training loss over the last interval
     * @param tokensPerSecond training throughput over the last interval
     */
    record BatchProgress(int epoch, int batch, int batches, double lr, double msPerBatch, double loss,
                         double tokensPerSecond) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    /**
     * @param trainLoss mean training loss over the epoch's batches
     * @param improved  the validation loss is the best so far (a best checkpoint was saved)
     * @param lr        learning rate used in this epoch
     * @param nextLr    learning rate for the next epoch (annealed when not improved)
     */
    record EpochResult(int epoch, double trainLoss, double validLoss, double lr, double nextLr, double seconds,
                       double tokensPerSecond, boolean improved) {
        public double validPerplexity() {
            return Math.exp(validLoss);
        }
    }

    /**
     * @param best {@code true} for a new best model, {@code false} for the last-epoch resume state
     */
    record CheckpointSaved(Path path, int epoch, double validLoss, String sha256, long sizeBytes, boolean best) {
    }
}
