package dev.wordlm.trainer.training;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.CheckpointException;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.CorpusException;
import dev.wordlm.events.RunStatusChanged;
import dev.wordlm.train.Trainer;
import dev.wordlm.train.TrainingDivergedException;
import dev.wordlm.train.TrainingResult;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.dataset.DatasetCatalog;
import dev.wordlm.trainer.retention.CheckpointRetention;
import dev.wordlm.trainer.retention.RunDeletion;
import dev.wordlm.trainer.live.LiveEvent;
import dev.wordlm.trainer.live.RunEventHub;
import dev.wordlm.trainer.metrics.TrainerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Trains one claimed run on the calling thread, from scratch or from its last epoch state ({@code last.wlm}), and
 * records how it ended. Problems of the run itself (diverged, unusable data, incompatible state) end it FAILED with the
 * message; problems of this trainer (shutdown, lost lease, database down) leave it RUNNING for a later attempt.
 */
@ApplicationScoped
public class RunExecution {
    private static final Logger LOG = Logger.getLogger(RunExecution.class);

    /** What the caller does next with the run's request. */
    public enum Outcome {
        /** The run ended (completed, cancelled or failed): acknowledge the request. */
        DONE,
        /** Try again: the database was unreachable or another trainer took over. */
        RETRY,
        /** This process is stopping: leave the request unacknowledged, another trainer gets it. */
        STOPPED
    }

    private final RunRecorder recorder;
    private final RunLeases leases;
    private final LocalRuns localRuns;
    private final DatasetCatalog datasets;
    private final CheckpointFiles files;
    private final RunEventHub hub;
    private final TrainerMetrics metrics;
    private final RunDeletion deletion;
    private final CheckpointRetention retention;

    public RunExecution(RunRecorder recorder, RunLeases leases, LocalRuns localRuns, DatasetCatalog datasets,
                        CheckpointFiles files, RunEventHub hub, TrainerMetrics metrics, RunDeletion deletion,
                        CheckpointRetention retention) {
        this.deletion = deletion;
        this.retention = retention;
        this.recorder = recorder;
        this.leases = leases;
        this.localRuns = localRuns;
        this.datasets = datasets;
        this.files = files;
        this.hub = hub;
        this.metrics = metrics;
    }

    public Outcome execute(RunSnapshot run, TrainingSession session) {
        UUID id = run.id();
        localRuns.attach(session);
        try {
            if (run.cancelRequested()) {
                session.cancel(); // cancelled while its previous trainer was gone: just test the best model
            }
            Path last = files.last(id);
            Integer resumeAfter = resumeEpoch(last);
            announce(Abandoned.recording(() -> recorder.begin(id, resumeAfter)));
            LOG.infof("run %s: training %s on %s%s", id, run.config().model(), run.dataset(),
                    resumeAfter == null ? "" : ", resuming after epoch " + resumeAfter);

            Corpus corpus = datasets.load(run.dataset());
            Files.createDirectories(files.runDirectory(id));
            SessionListener listener = new SessionListener(session, run.config().modelConfig(corpus.vocabSize()), recorder,
                    hub, files, metrics);
            TrainingResult result = new Trainer(run.config(), corpus, files.best(id), last, listener, session.token())
                    .train();
            announce(Abandoned.recording(() -> recorder.finished(id, result)));
            deleteQuietly(last); // only an unfinished run resumes
            ended(id);
            LOG.infof("run %s: %s after %d epoch(s), test ppl %.2f", id, result.cancelled() ? "cancelled" : "completed",
                    result.epochsCompleted(), result.testPerplexity());
            return Outcome.DONE;
        } catch (Abandoned a) {
            return abandoned(id, a);
        } catch (Exception | LinkageError e) {
            // LinkageError: PyTorch natives that do not load fail the run with a message, not the consumer.
            return fail(id, e);
        } finally {
            localRuns.detach(session);
        }
    }

    private Outcome fail(UUID id, Throwable e) {
        String message = messageOf(e);
        boolean expected = e instanceof CheckpointException || e instanceof CorpusException
                || e instanceof TrainingDivergedException;
        if (expected) {
            LOG.warnf("run %s failed: %s", id, message);
        } else {
            LOG.warnf(e, "run %s failed: %s", id, message);
        }
        try {
            announce(Abandoned.recording(() -> recorder.failed(id, message)));
            ended(id);
            return Outcome.DONE;
        } catch (Abandoned a) {
            return abandoned(id, a);
        }
    }

    private Outcome abandoned(UUID id, Abandoned a) {
        LOG.infof("run %s: left unfinished (%s); it resumes from its last epoch", id, a.getMessage());
        if (a.reason() == Abandoned.Reason.SHUTDOWN) {
            try {
                leases.release(id);
            } catch (RuntimeException e) {
                LOG.debugf("run %s: cannot release the lease (%s); it expires instead", id, e.getMessage());
            }
            return Outcome.STOPPED;
        }
        return Outcome.RETRY;
    }

    /** Deletes the run if that was asked while it ran, else the files retention left; never fails the run. */
    private void ended(UUID id) {
        try {
            if (!deletion.finishDeferred(id)) {
                retention.removeUnrecordedFiles(id); // the records went with the run's last status
            }
        } catch (RuntimeException e) {
            LOG.warnf("run %s: retention could not be applied now (%s); the sweep does it later", id, e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", file, e.getMessage());
        }
    }

    private void announce(RunStatusChanged change) {
        hub.publish(change.runId(), LiveEvent.STATUS, change);
    }

    /** The epoch the state file was saved after, if there is one. */
    private static Integer resumeEpoch(Path last) {
        if (!Files.exists(last)) {
            return null;
        }
        return Checkpoint.readInfo(last).epoch();
    }

    private static String messageOf(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
