package dev.wordlm.events;

import java.time.Instant;
import java.util.UUID;

/** One finished epoch of a run (topic {@link Topics#EPOCH_METRICS}). Perplexity is {@code exp(loss)}. */
public record EpochMetric(int schemaVersion, UUID runId, int epoch, double trainLoss, double validLoss, double lr,
                          double epochSeconds, double tokensPerSecond, Instant at) {
    public static final int SCHEMA_VERSION = 1;

    public static EpochMetric of(UUID runId, int epoch, double trainLoss, double validLoss, double lr, double epochSeconds,
                                 double tokensPerSecond, Instant at) {
        return new EpochMetric(SCHEMA_VERSION, runId, epoch, trainLoss, validLoss, lr, epochSeconds, tokensPerSecond, at);
    }

    public double trainPerplexity() {
        return Math.exp(trainLoss);
    }

    public double validPerplexity() {
        return Math.exp(validLoss);
    }
}
