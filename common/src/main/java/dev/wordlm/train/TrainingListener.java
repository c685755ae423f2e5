package dev.wordlm.train;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Receives a training run's progress. Called on the training thread: keep the work short. */
public interface TrainingListener {

    /** A log line in the reference's format (the CLI prints these). */
    default void onLog(String line) {
    }

    /**
     * The log line of every {@code logInterval} batches, the one {@link #onBatch} describes; by default a log line like
     * any other. A terminal progress bar shows these figures in place instead.
     */
    default void onIntervalLog(String line) {
        onLog(line);
    }

    /** After every training batch: cheap enough for a progress bar to follow. */
    default void onStep(Step step) {
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

    /** The best model's (or, with none saved, the current model's) loss on the test split, at the very end. */
    default void onTest(double testLoss) {
    }

    /** Every log line, the interval lines included, to {@code sink} ({@code System.out::println}, a file). */
    static TrainingListener logTo(Consumer<String> sink) {
        return new TrainingListener() {
            @Override
            public void onLog(String line) {
                sink.accept(line);
            }
        };
    }

    /** Each call goes to every listener, in order. */
    static TrainingListener all(TrainingListener... listeners) {
        List<TrainingListener> each = List.of(listeners);
        return new TrainingListener() {
            @Override
            public void onLog(String line) {
                each.forEach(l -> l.onLog(line));
            }

            @Override
            public void onIntervalLog(String line) {
                each.forEach(l -> l.onIntervalLog(line));
            }

            @Override
            public void onStep(Step step) {
                each.forEach(l -> l.onStep(step));
            }

            @Override
            public void onBatch(BatchProgress progress) {
                each.forEach(l -> l.onBatch(progress));
            }

            @Override
            public void onEpoch(EpochResult result) {
                each.forEach(l -> l.onEpoch(result));
            }

            @Override
            public void onCheckpoint(CheckpointSaved saved) {
                each.forEach(l -> l.onCheckpoint(saved));
            }

            @Override
            public void onTest(double testLoss) {
                each.forEach(l -> l.onTest(testLoss));
            }
        };
    }

    /**
     * @param batch   batches done in this epoch, this one included (1 to {@code batches})
     * @param batches the batches of an epoch, the last short one included (the reference's log leaves it out)
     * @param loss    this batch's training loss
     * @param tokens  the tokens this batch trained on
     */
    record Step(int epoch, int batch, int batches, double loss, int tokens) {
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
