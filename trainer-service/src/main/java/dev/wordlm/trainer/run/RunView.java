package dev.wordlm.trainer.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wordlm.events.RunStatus;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.trainer.checkpoint.CheckpointView;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run as the API shows it. Perplexities are {@code exp(loss)}; absent until known.
 *
 * @param trainPerplexity     of the latest logged batches while an epoch runs, of the whole epoch after it
 * @param validPerplexity     of the latest epoch
 * @param bestValidPerplexity best so far: the model that is tested at the end
 * @param testPerplexity      of the best model on the test split, once the run is done
 * @param attempts            times a trainer took the run up; above 1 it was resumed after a trainer stopped
 * @param checkpoints         the best models saved, oldest first (left out in lists)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(UUID id, String name, String dataset, RunStatus status, TrainConfig config, Progress progress,
                      Double trainPerplexity, Double validPerplexity, Double bestValidPerplexity, Double testPerplexity,
                      Timings timings, String error, boolean cancelRequested, int attempts, Integer resumedFromEpoch,
                      List<CheckpointView> checkpoints) {

    /**
     * @param epoch           epoch in progress (the last one once finished)
     * @param epochsCompleted epochs trained and validated
     * @param batch           batch of the epoch at the latest log line, of {@code batches}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(Integer epoch, int epochs, int epochsCompleted, Integer batch, Integer batches, Double lr,
                           Double tokensPerSecond) {
    }

    /** @param runningSeconds from start to end, or to now while running */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(Instant createdAt, Instant startedAt, Instant finishedAt, Double queuedSeconds,
                          Double runningSeconds) {
    }
}
