package dev.wordlm.trainer.run;

import java.time.Instant;

/** One finished epoch, as {@code GET /api/runs/{id}/metrics} and the {@code epoch} SSE event show it. */
public record EpochMetricView(int epoch, Double trainLoss, Double trainPerplexity, double validLoss,
                              Double validPerplexity, double lr, double seconds, double tokensPerSecond,
                              Instant recordedAt) {
}
