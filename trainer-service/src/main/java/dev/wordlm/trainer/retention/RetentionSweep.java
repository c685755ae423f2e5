package dev.wordlm.trainer.retention;

import dev.wordlm.trainer.api.Ids;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.dataset.DatasetCatalog;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Finishes what a crash left half done, every {@code wordlm.retention.sweep-interval}: deletions of runs that ended
 * after their deletion was asked for, run directories whose run is gone, checkpoint files whose record is gone (as
 * retention leaves them when a crash falls between its transaction and the files), abandoned dataset uploads or
 * removals, and generators' holds that have lapsed.
 */
@ApplicationScoped
public class RetentionSweep {
    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    private final EntityManager em;
    private final RunDeletion deletion;
    private final CheckpointRetention retention;
    private final CheckpointFiles files;
    private final DatasetCatalog datasets;
    private final CheckpointHolds holds;

    public RetentionSweep(EntityManager em, RunDeletion deletion, CheckpointRetention retention, CheckpointFiles files,
                          DatasetCatalog datasets, CheckpointHolds holds) {
        this.em = em;
        this.deletion = deletion;
        this.retention = retention;
        this.files = files;
        this.datasets = datasets;
        this.holds = holds;
    }

    @Scheduled(every = "${wordlm.retention.sweep-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("retention sweep: %s", e.getMessage());
        }
    }

    /** One pass; returns how many things it removed. */
    public int sweep() {
        int removed = 0;
        @SuppressWarnings("unchecked")
        List<UUID> ended = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select id from runs where delete_requested and status in ('COMPLETED', 'FAILED', 'CANCELLED')",
                UUID.class).getResultList());
        for (UUID id : ended) {
            removed += deletion.finishDeferred(id) ? 1 : 0;
        }
        removed += orphanedFiles();
        removed += datasets.removeLeftovers();
        removed += holds.forgetLapsed();
        return removed;
    }

    /**
     * Run directories without a run, and in finished runs' directories published checkpoint files without a record
     * (a running run writes a checkpoint's file before its record).
     */
    private int orphanedFiles() {
        Path root = files.root();
        if (!Files.isDirectory(root)) {
            return 0;
        }
        // A directory made after this instant may belong to a run created after the query below: left alone.
        long snapshot = System.currentTimeMillis() - 1000;
        Set<UUID> runs = new HashSet<>(ids("select id from runs"));
        Set<UUID> finished = new HashSet<>(ids("select id from runs where status in ('COMPLETED', 'FAILED', 'CANCELLED')"));
        int removed = 0;
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                Optional<UUID> run = Ids.parse(dir.getFileName().toString());
                if (run.isEmpty() || !Files.isDirectory(dir)) {
                    continue;
                }
                if (!runs.contains(run.get()) && Files.getLastModifiedTime(dir).toMillis() < snapshot) {
                    removed += Tree.delete(dir) ? 1 : 0;
                    LOG.infof("retention sweep: removed the files of deleted run %s", run.get());
                    continue;
                }
                if (!finished.contains(run.get())) {
                    continue;
                }
                removed += retention.removeUnrecordedFiles(run.get());
            }
        } catch (IOException e) {
            LOG.warnf("retention sweep: cannot list %s: %s", root, e.getMessage());
        }
        return removed;
    }

    @SuppressWarnings("unchecked")
    private List<UUID> ids(String sql) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(sql, UUID.class).getResultList());
    }
}
