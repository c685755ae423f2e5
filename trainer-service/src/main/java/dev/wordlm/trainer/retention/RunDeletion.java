package dev.wordlm.trainer.retention;

import dev.wordlm.events.RunStatus;
import dev.wordlm.trainer.api.Ids;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.run.TrainingRun;
import dev.wordlm.trainer.training.LocalRuns;
import dev.wordlm.trainer.training.TrainingSession;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Deletes runs: the row (its epoch metrics and checkpoint records go with it, by cascade) in one transaction, then the
 * run's directory of checkpoint files. A RUNNING run is cancelled first and deleted once its trainer has stopped
 * writing its files; a QUEUED run's request later finds no run and is skipped. Where a crash falls between the two
 * steps, {@link RetentionSweep} finishes the deletion: no run is ever listed with its files gone.
 */
@ApplicationScoped
public class RunDeletion {
    private static final Logger LOG = Logger.getLogger(RunDeletion.class);

    public enum Outcome {
        /** Gone, files included. */
        DELETED,
        /** Cancelled; deleted as soon as it has stopped. */
        DELETING
    }

    private final CheckpointFiles files;
    private final LocalRuns localRuns;

    public RunDeletion(CheckpointFiles files, LocalRuns localRuns) {
        this.files = files;
        this.localRuns = localRuns;
    }

    public Outcome delete(UUID id) {
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> {
            // Locked: a trainer claiming the run now either goes first (we see RUNNING) or finds no run.
            TrainingRun run = TrainingRun.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (run == null) {
                throw Ids.noRun(id);
            }
            if (run.status == RunStatus.RUNNING) {
                run.cancelRequested = true;
                run.deleteRequested = true;
                run.updatedAt = Instant.now();
                return Outcome.DELETING;
            }
            run.delete();
            return Outcome.DELETED;
        });
        if (outcome == Outcome.DELETED) {
            removeFiles(id);
            LOG.infof("run %s deleted", id);
        } else {
            // Trained here: stop now rather than at the next heartbeat.
            localRuns.session(id).ifPresent(TrainingSession::cancel);
            LOG.infof("run %s: cancelled; deleted once it has stopped", id);
        }
        return outcome;
    }

    /** A run ended: if its deletion was asked for while it ran, delete it now. Returns whether it was deleted. */
    public boolean finishDeferred(UUID id) {
        boolean deleted = QuarkusTransaction.requiringNew().call(() -> {
            TrainingRun run = TrainingRun.findById(id, LockModeType.PESSIMISTIC_WRITE);
            if (run == null || !run.deleteRequested || run.status == RunStatus.RUNNING || run.status == RunStatus.QUEUED) {
                return false;
            }
            run.delete();
            return true;
        });
        if (deleted) {
            removeFiles(id);
            LOG.infof("run %s deleted, as asked while it ran", id);
        }
        return deleted;
    }

    void removeFiles(UUID id) {
        if (!Tree.delete(files.runDirectory(id))) {
            LOG.warnf("run %s: some of its files could not be removed yet; the retention sweep tries again", id);
        }
    }
}
