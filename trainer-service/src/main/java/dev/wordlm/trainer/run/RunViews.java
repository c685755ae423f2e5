package dev.wordlm.trainer.run;

import dev.wordlm.train.TrainConfig;
import dev.wordlm.trainer.checkpoint.CheckpointRecord;
import dev.wordlm.trainer.checkpoint.CheckpointView;
import dev.wordlm.trainer.checkpoint.CheckpointViews;
import dev.wordlm.trainer.api.Perplexity;
import dev.wordlm.trainer.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.wordlm.trainer.api.Perplexity.finite;

/** Maps run and metric rows to the API's views. */
@ApplicationScoped
public class RunViews {
    private final JsonCodec json;
    private final CheckpointViews checkpoints;

    public RunViews(JsonCodec json, CheckpointViews checkpoints) {
        this.json = json;
        this.checkpoints = checkpoints;
    }

    private TrainConfig config(TrainingRun run) {
        return json.read(run.configJson, TrainConfig.class);
    }

    /** @param withCheckpoints null to leave them out (lists) */
    public RunView of(TrainingRun r, List<CheckpointRecord> withCheckpoints) {
        TrainConfig config = config(r);
        var progress = new RunView.Progress(r.epoch, config.epochs(), r.epochsCompleted, r.batch, r.batches, finite(r.lr),
                finite(r.tokensPerSecond));
        Instant end = r.finishedAt != null ? r.finishedAt : Instant.now();
        var timings = new RunView.Timings(r.createdAt, r.startedAt, r.finishedAt,
                r.startedAt == null ? null : seconds(r.createdAt, r.startedAt),
                r.startedAt == null ? null : seconds(r.startedAt, end));
        List<CheckpointView> cps = withCheckpoints == null ? null : withCheckpoints.stream().map(checkpoints::of).toList();
        return new RunView(r.id, r.name, r.dataset, r.status, config, progress, Perplexity.of(r.trainLoss),
                Perplexity.of(r.validLoss), Perplexity.of(r.bestValidLoss), Perplexity.of(r.testLoss), timings, r.error, r.cancelRequested, r.attempts, r.resumedFromEpoch,
                cps);
    }

    public EpochMetricView of(EpochMetricRecord m) {
        return new EpochMetricView(m.key.epoch(), finite(m.trainLoss), Perplexity.of(m.trainLoss), m.validLoss,
                Perplexity.of(m.validLoss), m.lr,
                m.seconds, m.tokensPerSecond, m.recordedAt);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
