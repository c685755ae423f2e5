package dev.wordlm.trainer.training;

import dev.wordlm.events.CheckpointReady;
import dev.wordlm.events.EpochMetric;
import dev.wordlm.events.RunStatus;
import dev.wordlm.events.RunStatusChanged;
import dev.wordlm.events.Topics;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.train.TrainingListener;
import dev.wordlm.train.TrainingResult;
import dev.wordlm.trainer.checkpoint.CheckpointRecord;
import dev.wordlm.trainer.checkpoint.CheckpointViews;
import dev.wordlm.trainer.json.JsonCodec;
import dev.wordlm.trainer.outbox.Outbox;
import dev.wordlm.trainer.retention.CheckpointRetention;
import dev.wordlm.trainer.run.EpochMetricRecord;
import dev.wordlm.trainer.run.EpochMetricView;
import dev.wordlm.trainer.run.RunViews;
import dev.wordlm.trainer.run.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

import static dev.wordlm.trainer.api.Perplexity.finite;

/**
 * Records a run's progress as its trainer reports it: each change and its Kafka event in one transaction. Every write
 * first checks that this trainer still holds the run's lease; if another took over, it throws
 * {@link Abandoned} ({@link Abandoned.Reason#LEASE_LOST}) and writes nothing.
 */
@ApplicationScoped
public class RunRecorder {
    private final Outbox outbox;
    private final RunLeases leases;
    private final CheckpointViews checkpointViews;
    private final RunViews runViews;
    private final JsonCodec json;
    private final CheckpointRetention retention;

    public RunRecorder(Outbox outbox, RunLeases leases, CheckpointViews checkpointViews, RunViews runViews,
                       JsonCodec json, CheckpointRetention retention) {
        this.retention = retention;
        this.outbox = outbox;
        this.leases = leases;
        this.checkpointViews = checkpointViews;
        this.runViews = runViews;
        this.json = json;
    }

    /** Training starts, from scratch or resumed after {@code resumedAfterEpoch}. */
    @Transactional
    public RunStatusChanged begin(UUID id, Integer resumedAfterEpoch) {
        TrainingRun run = owned(id);
        Instant now = Instant.now();
        if (resumedAfterEpoch != null) {
            run.resumedFromEpoch = resumedAfterEpoch;
        }
        run.updatedAt = now;
        String how = resumedAfterEpoch != null ? "resumed after epoch " + resumedAfterEpoch
                : run.attempts > 1 ? "restarted (no epoch had finished)" : "started";
        return status(run, RunStatus.RUNNING, how + " on " + leases.instanceId(), now);
    }

    @Transactional
    public EpochMetricView epochEnded(UUID id, TrainingListener.EpochResult r) {
        TrainingRun run = owned(id);
        Instant now = Instant.now();
        EpochMetricRecord.Key key = new EpochMetricRecord.Key(id, r.epoch());
        EpochMetricRecord m = EpochMetricRecord.findById(key);
        if (m == null) {
            m = new EpochMetricRecord();
            m.key = key;
        }
        m.trainLoss = finite(r.trainLoss());
        m.validLoss = r.validLoss();
        m.lr = r.lr();
        m.seconds = r.seconds();
        m.tokensPerSecond = r.tokensPerSecond();
        m.recordedAt = now;
        m.persist();

        run.epoch = r.epoch();
        run.epochsCompleted = r.epoch();
        run.trainLoss = finite(r.trainLoss());
        run.validLoss = r.validLoss();
        if (r.improved() || run.bestValidLoss == null) {
            run.bestValidLoss = r.validLoss();
        }
        run.lr = r.nextLr();
        run.tokensPerSecond = r.tokensPerSecond();
        run.batch = run.batches;
        run.updatedAt = now;
        outbox.append(Topics.EPOCH_METRICS, id, EpochMetric.of(id, r.epoch(), r.trainLoss(), r.validLoss(), r.lr(),
                r.seconds(), r.tokensPerSecond(), now));
        return runViews.of(m);
    }

    /** A new best model was frozen as {@code file} (relative to the checkpoint directory). */
    @Transactional
    public CheckpointReady checkpointSaved(UUID id, UUID checkpointId, String file,
                                           TrainingListener.CheckpointSaved saved, ModelConfig model) {
        owned(id);
        Instant now = Instant.now();
        CheckpointRecord c = new CheckpointRecord();
        c.id = checkpointId;
        c.runId = id;
        c.epoch = saved.epoch();
        c.validLoss = saved.validLoss();
        c.sha256 = saved.sha256();
        c.sizeBytes = saved.sizeBytes();
        c.file = file;
        c.modelJson = json.write(model);
        c.createdAt = now;
        c.persist();
        CheckpointReady event = checkpointViews.announcement(c, model);
        outbox.append(Topics.CHECKPOINTS, id, event);
        return event;
    }

    /** Training ended normally or after a cancel: the best model was evaluated on test. */
    @Transactional
    public RunStatusChanged finished(UUID id, TrainingResult result) {
        TrainingRun run = owned(id);
        Instant now = Instant.now();
        run.testLoss = finite(result.testLoss());
        if (finite(result.bestValidLoss()) != null) {
            run.bestValidLoss = result.bestValidLoss();
        }
        run.finishedAt = now;
        run.updatedAt = now;
        String test = Double.isFinite(result.testPerplexity())
                ? String.format("test ppl %.2f", result.testPerplexity()) : "test loss " + result.testLoss();
        retention.pruneRecords(id); // with the final status: nobody sees the run finished and over the limit
        return result.cancelled()
                ? status(run, RunStatus.CANCELLED, "cancelled after " + result.epochsCompleted() + " epoch(s); " + test, now)
                : status(run, RunStatus.COMPLETED, test, now);
    }

    @Transactional
    public RunStatusChanged failed(UUID id, String error) {
        TrainingRun run = owned(id);
        Instant now = Instant.now();
        run.error = error;
        run.finishedAt = now;
        run.updatedAt = now;
        retention.pruneRecords(id);
        return status(run, RunStatus.FAILED, error, now);
    }

    private RunStatusChanged status(TrainingRun run, RunStatus status, String message, Instant now) {
        run.status = status;
        RunStatusChanged event = RunStatusChanged.of(run.id, status, message, now);
        outbox.append(Topics.RUN_STATUS, run.id, event);
        return event;
    }

    private TrainingRun owned(UUID id) {
        TrainingRun run = TrainingRun.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (run == null || run.status != RunStatus.RUNNING || !leases.instanceId().equals(run.owner)) {
            throw new Abandoned(Abandoned.Reason.LEASE_LOST);
        }
        return run;
    }
}
