package dev.wordlm.trainer.run;

import dev.wordlm.trainer.api.Ids;
import dev.wordlm.events.RunStatus;
import dev.wordlm.events.RunStatusChanged;
import dev.wordlm.events.Topics;
import dev.wordlm.events.TrainingRequested;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.trainer.json.JsonCodec;
import dev.wordlm.trainer.outbox.Outbox;
import dev.wordlm.trainer.training.DeviceSelector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Accepts and cancels runs. Every state change and its events commit together (transactional outbox). */
@ApplicationScoped
public class RunService {
    private final Outbox outbox;
    private final JsonCodec json;
    private final DeviceSelector devices;

    public RunService(Outbox outbox, JsonCodec json, DeviceSelector devices) {
        this.outbox = outbox;
        this.json = json;
        this.devices = devices;
    }

    /** Stores a validated request as a QUEUED run and queues its training request, in one transaction. */
    @Transactional
    public TrainingRun create(RunRequest request) {
        TrainConfig config = request.toConfig(devices.cudaFor(request.cuda()));
        // The database keeps microseconds: the view built from this entity shows what a later read shows.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TrainingRun run = new TrainingRun();
        run.id = UUID.randomUUID();
        run.name = request.name();
        run.dataset = request.dataset();
        run.status = RunStatus.QUEUED;
        run.configJson = json.write(config);
        run.createdAt = now;
        run.updatedAt = now;
        run.persist();
        outbox.append(Topics.TRAINING_REQUESTS, run.id, TrainingRequested.of(run.id, run.name, run.dataset, config, now));
        outbox.append(Topics.RUN_STATUS, run.id, RunStatusChanged.of(run.id, RunStatus.QUEUED, null, now));
        return run;
    }

    /**
     * A queued run is cancelled at once (its request is skipped when it arrives); a running one gets a cancel flag
     * that its trainer, on whichever replica, sees within a heartbeat and stops after the current batch.
     */
    @Transactional
    public TrainingRun cancel(UUID id) {
        // Locked: a trainer claiming the run at this moment either goes first (we see RUNNING) or finds it CANCELLED.
        TrainingRun run = TrainingRun.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            throw Ids.noRun(id);
        }
        Instant now = Instant.now();
        switch (run.status) {
            case QUEUED -> {
                run.status = RunStatus.CANCELLED;
                run.cancelRequested = true;
                run.finishedAt = now;
                run.updatedAt = now;
                outbox.append(Topics.RUN_STATUS, id, RunStatusChanged.of(id, RunStatus.CANCELLED,
                        "cancelled before it started", now));
            }
            case RUNNING -> {
                run.cancelRequested = true;
                run.updatedAt = now;
            }
            default -> throw ProblemException.conflict("run " + id + " is already " + run.status + "; only QUEUED and RUNNING "
                    + "runs can be cancelled");
        }
        return run;
    }
}
