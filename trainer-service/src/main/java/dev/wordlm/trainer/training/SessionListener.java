package dev.wordlm.trainer.training;

import dev.wordlm.model.ModelConfig;
import dev.wordlm.train.TrainingListener;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.api.Perplexity;
import dev.wordlm.trainer.live.LiveEvent;
import dev.wordlm.trainer.live.RunEventHub;
import dev.wordlm.trainer.metrics.TrainerMetrics;
import dev.wordlm.trainer.run.EpochMetricView;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Receives one run's progress on its training thread: keeps the session's progress for the heartbeat, feeds the live
 * event stream, and records epochs and best checkpoints (with their Kafka events).
 *
 * <p>It is also how an abandoned run leaves the training loop: the trainer stops after the current batch once the
 * token is cancelled and always logs before testing, so the next callback throws {@link Abandoned}. Callbacks that
 * follow a durable write (the epoch's state file) record first and check afterwards, so nothing saved goes unrecorded.
 */
final class SessionListener implements TrainingListener {
    private static final Logger LOG = Logger.getLogger(SessionListener.class);

    private final TrainingSession session;
    private final ModelConfig model;
    private final RunRecorder recorder;
    private final RunEventHub hub;
    private final CheckpointFiles files;
    private final TrainerMetrics metrics;

    SessionListener(TrainingSession session, ModelConfig model, RunRecorder recorder, RunEventHub hub,
                    CheckpointFiles files, TrainerMetrics metrics) {
        this.session = session;
        this.model = model;
        this.recorder = recorder;
        this.hub = hub;
        this.files = files;
        this.metrics = metrics;
    }

    @Override
    public void onLog(String line) {
        session.checkAbandoned();
        LOG.infof("run %s %s", session.runId(), line);
        // Clients see where files are relative to the checkpoint directory, not this machine's paths.
        String shown = line.replace(files.root().toString(), "<checkpoint-dir>");
        hub.publish(session.runId(), LiveEvent.LOG, new LiveEvent.LogLine(shown));
    }

    @Override
    public void onBatch(BatchProgress p) {
        session.checkAbandoned();
        session.progress(p);
        hub.publish(session.runId(), LiveEvent.BATCH, new LiveEvent.Batch(p.epoch(), p.batch(), p.batches(), p.lr(),
                p.msPerBatch(), p.loss(), Perplexity.of(p.loss()), p.tokensPerSecond()));
    }

    @Override
    public void onCheckpoint(CheckpointSaved saved) {
        if (!saved.best()) {
            return; // the resume state: nothing to publish
        }
        // Before the epoch's resume state is written: an abandoned run redoes this epoch and saves its best again.
        session.checkAbandoned();
        UUID runId = session.runId();
        UUID checkpointId = UUID.randomUUID();
        String file = files.publish(runId, checkpointId);
        Abandoned.recording(() -> recorder.checkpointSaved(runId, checkpointId, file, saved, model));
    }

    @Override
    public void onEpoch(EpochResult result) {
        EpochMetricView view = Abandoned.recording(() -> recorder.epochEnded(session.runId(), result));
        session.progress(null); // recorded: the heartbeat must not write the epoch's last batch log over it
        metrics.epochFinished(result.seconds());
        hub.publish(session.runId(), LiveEvent.EPOCH, view);
        session.checkAbandoned();
    }
}
