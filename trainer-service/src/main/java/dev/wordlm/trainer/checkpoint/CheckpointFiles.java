package dev.wordlm.trainer.checkpoint;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.trainer.config.TrainerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The files of a run under {@code wordlm.checkpoint-dir}/{@code <run id>}: {@code best.wlm} (rewritten at each
 * improvement), {@code last.wlm} (the last epoch's state, to resume from) and one immutable {@code <checkpoint id>.wlm}
 * per published best checkpoint, which is what the API serves.
 */
@ApplicationScoped
public class CheckpointFiles {
    private final Path root;

    public CheckpointFiles(TrainerSettings settings) {
        this.root = settings.checkpointDir().toAbsolutePath().normalize();
    }

    /** Absolute; a prefix to keep out of what clients see. */
    public Path root() {
        return root;
    }

    public Path runDirectory(UUID runId) {
        return root.resolve(runId.toString());
    }

    public Path best(UUID runId) {
        return runDirectory(runId).resolve("best" + Checkpoint.FILE_EXTENSION);
    }

    public Path last(UUID runId) {
        return runDirectory(runId).resolve("last" + Checkpoint.FILE_EXTENSION);
    }

    /**
     * Freezes the current {@code best.wlm} as checkpoint {@code checkpointId}. A hard link costs nothing and stays
     * immutable, because the trainer replaces best.wlm by renaming a new file over it; where links are not supported,
     * a copy. Returns the path relative to the checkpoint directory.
     */
    public String publish(UUID runId, UUID checkpointId) {
        Path target = runDirectory(runId).resolve(checkpointId + Checkpoint.FILE_EXTENSION);
        try {
            try {
                Files.createLink(target, best(runId));
            } catch (UnsupportedOperationException | IOException linkFailed) {
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.copy(best(runId), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish checkpoint " + checkpointId + " of run " + runId, e);
        }
        return root.relativize(target).toString();
    }

    /** The file of a published checkpoint, if it is present here. */
    public Optional<Path> resolve(String relativePath) {
        Path file = root.resolve(relativePath).normalize();
        return file.startsWith(root) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}
