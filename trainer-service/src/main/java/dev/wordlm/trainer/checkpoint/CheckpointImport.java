package dev.wordlm.trainer.checkpoint;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.CheckpointException;
import dev.wordlm.events.RunStatus;
import dev.wordlm.events.RunStatusChanged;
import dev.wordlm.events.Topics;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.trainer.json.JsonCodec;
import dev.wordlm.trainer.outbox.Outbox;
import dev.wordlm.trainer.retention.Tree;
import dev.wordlm.trainer.run.TrainingRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A checkpoint made elsewhere ({@code ./lm train}, or {@code ./lm import} of a model trained with the reference in
 * Python) becomes a finished run of its own with that one checkpoint, announced like a trained one, so every
 * generator serves it as its policy prefers. The file is verified (format, integrity digest, header) before anything is
 * recorded; the run's record, the checkpoint's and both events commit together, after the file is in place.
 */
@ApplicationScoped
public class CheckpointImport {
    /** The dataset name of an imported run: it was trained on whatever its maker had. */
    public static final String DATASET = "imported";

    private final CheckpointFiles files;
    private final CheckpointViews views;
    private final Outbox outbox;
    private final JsonCodec json;

    public CheckpointImport(CheckpointFiles files, CheckpointViews views, Outbox outbox, JsonCodec json) {
        this.files = files;
        this.views = views;
        this.outbox = outbox;
        this.json = json;
    }

    /** Reads the body into the checkpoint volume, verifies it and records it; the caller bounds the body's size. */
    public CheckpointRecord importFile(InputStream body, String name) {
        UUID runId = UUID.randomUUID();
        UUID checkpointId = UUID.randomUUID();
        Path dir = files.runDirectory(runId);
        Path target = dir.resolve(checkpointId + Checkpoint.FILE_EXTENSION);
        try {
            Files.createDirectories(dir);
            Path part = dir.resolve(checkpointId + ".part");
            Files.copy(body, part, StandardCopyOption.REPLACE_EXISTING);
            Checkpoint.Info info = verify(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            return QuarkusTransaction.requiringNew().call(() -> record(runId, checkpointId, name, info, target));
        } catch (IOException e) {
            Tree.delete(dir); // what it cannot remove, the retention sweep does
            throw new UncheckedIOException("cannot store an imported checkpoint", e);
        } catch (RuntimeException e) {
            Tree.delete(dir); // what it cannot remove, the retention sweep does
            throw e;
        }
    }

    private static Checkpoint.Info verify(Path file) {
        Checkpoint.Info info;
        try {
            info = Checkpoint.readInfo(file);
        } catch (CheckpointException e) {
            throw ProblemException.invalid("body", "not a usable wordlm checkpoint: " + e.getMessage()
                    .replace(file.toString(), "the body"));
        }
        if (!Double.isFinite(info.validLoss())) {
            throw ProblemException.invalid("body", "the checkpoint records no validation loss, which serving by "
                    + "perplexity needs: make it with `./lm import --data DIR` (which measures it) or `./lm train`");
        }
        return info;
    }

    private CheckpointRecord record(UUID runId, UUID checkpointId, String name, Checkpoint.Info info, Path file) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TrainingRun run = new TrainingRun();
        run.id = runId;
        run.name = name;
        run.dataset = DATASET;
        run.status = RunStatus.COMPLETED;
        run.configJson = json.write(info.training());
        run.createdAt = now;
        run.startedAt = now;
        run.finishedAt = now;
        run.updatedAt = now;
        run.epoch = info.epoch();
        run.epochsCompleted = info.epoch();
        run.validLoss = info.validLoss();
        run.bestValidLoss = info.validLoss();
        run.persist();

        CheckpointRecord c = new CheckpointRecord();
        c.id = checkpointId;
        c.runId = runId;
        c.epoch = info.epoch();
        c.validLoss = info.validLoss();
        c.sha256 = info.sha256();
        c.sizeBytes = info.sizeBytes();
        c.file = files.root().relativize(file).toString();
        c.modelJson = json.write(info.model());
        c.createdAt = now;
        c.persist();

        outbox.append(Topics.RUN_STATUS, runId, RunStatusChanged.of(runId, RunStatus.COMPLETED,
                "imported: checkpoint " + checkpointId + " (epoch " + info.epoch() + ")", now));
        outbox.append(Topics.CHECKPOINTS, runId, views.announcement(c, info.model()));
        return c;
    }
}
