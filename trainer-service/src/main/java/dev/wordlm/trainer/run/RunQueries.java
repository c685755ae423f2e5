package dev.wordlm.trainer.run;

import dev.wordlm.trainer.api.Ids;
import dev.wordlm.events.RunStatus;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.trainer.checkpoint.CheckpointRecord;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/** Reads runs, their metrics and checkpoints as views. Transactional so it works from any thread (SSE polling). */
@ApplicationScoped
@Transactional
public class RunQueries {
    private final RunViews views;

    public RunQueries(RunViews views) {
        this.views = views;
    }

    /** Where a run stands, as much as a poller needs: no config parsed, no checkpoints read. */
    public record State(RunStatus status, String error, int epochsCompleted) {
    }

    public RunView view(UUID id) {
        return views.of(find(id), CheckpointRecord.ofRun(id));
    }

    /** The run's row alone, for the live event stream's polling. */
    public State state(UUID id) {
        TrainingRun run = find(id);
        return new State(run.status, run.error, run.epochsCompleted);
    }

    public RunPage page(RunStatus status, int page, int size) {
        Sort newestFirst = Sort.descending("createdAt").and("id", Sort.Direction.Descending);
        PanacheQuery<TrainingRun> query = status == null
                ? TrainingRun.findAll(newestFirst)
                : TrainingRun.find("status", newestFirst, status);
        query.page(Page.of(page, size));
        List<RunView> items = query.list().stream().map(r -> views.of(r, null)).toList();
        long total = query.count();
        return new RunPage(items, page, size, total, (int) ((total + size - 1) / size));
    }

    /** Ids of the QUEUED and RUNNING runs that train on {@code dataset}, oldest first, at most {@code limit}. */
    public List<UUID> activeOn(String dataset, int limit) {
        return TrainingRun.<TrainingRun>find("dataset = ?1 and status in ?2 order by createdAt", dataset,
                List.of(RunStatus.QUEUED, RunStatus.RUNNING)).page(0, limit).list().stream().map(r -> r.id).toList();
    }

    public List<EpochMetricView> metrics(UUID id) {
        find(id);
        return EpochMetricRecord.ofRun(id).stream().map(views::of).toList();
    }

    private static TrainingRun find(UUID id) {
        TrainingRun run = TrainingRun.findById(id);
        if (run == null) {
            throw Ids.noRun(id);
        }
        return run;
    }
}
