package dev.wordlm.trainer.retention;

import dev.wordlm.trainer.api.Ids;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Keeps the newest {@code wordlm.retention.checkpoints-per-run} published checkpoints of each finished run, and any
 * checkpoint a generator holds ({@link CheckpointHolds}: the one it serves or has pinned). The older records are
 * deleted in the transaction that ends the run, so no client sees a finished run with more; their files
 * go after it commits (a file without a record is invisible, and {@link RetentionSweep} removes what a crash left).
 * The newest is the run's best, and the newest and the best of all runs, which a generator serves unless pinned, are
 * each some run's newest: they are always kept. Runs that finished before (an upgrade, a lowered limit) are left as
 * they are: retention never deletes what nobody asked to delete at the time.
 */
@ApplicationScoped
public class CheckpointRetention {
    private static final Logger LOG = Logger.getLogger(CheckpointRetention.class);
    private static final String PRUNE = """
            delete from checkpoints
             where run_id = ?1
               and id not in (select id from checkpoints where run_id = ?1 order by created_at desc limit ?2)
               and id not in (select checkpoint_id from checkpoint_holds where expires_at > now())""";

    private final EntityManager em;
    private final CheckpointFiles files;
    private final int keep;

    public CheckpointRetention(EntityManager em, CheckpointFiles files, TrainerSettings settings) {
        this.em = em;
        this.files = files;
        this.keep = settings.retention().checkpointsPerRun();
    }

    /** Deletes the run's checkpoint records beyond the limit, in the caller's transaction (or a new one). */
    public int pruneRecords(UUID runId) {
        if (keep <= 0) {
            return 0;
        }
        return QuarkusTransaction.joiningExisting().call(() -> em.createNativeQuery(PRUNE).setParameter(1, runId)
                .setParameter(2, keep).executeUpdate());
    }

    /** Deletes the run's published checkpoint files that have no record; call only for a run that has ended. */
    public int removeUnrecordedFiles(UUID runId) {
        Path dir = files.runDirectory(runId);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        Set<UUID> recorded = new HashSet<>(QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select id from checkpoints where run_id = ?1", UUID.class).setParameter(1, runId).getResultList()));
        int removed = 0;
        try (Stream<Path> inRun = Files.list(dir)) {
            for (Path file : inRun.toList()) {
                String name = file.getFileName().toString();
                Optional<UUID> checkpoint = name.endsWith(".wlm")
                        ? Ids.parse(name.substring(0, name.length() - ".wlm".length())) : Optional.empty();
                if (checkpoint.isPresent() && !recorded.contains(checkpoint.get()) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("run %s: cannot remove old checkpoint files (%s); the sweep tries again", runId, e.getMessage());
        }
        if (removed > 0) {
            LOG.infof("run %s: removed %d older checkpoint file(s), keeping the newest %d and any a generator holds",
                    runId, removed, keep);
        }
        return removed;
    }
}
