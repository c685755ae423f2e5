package dev.wordlm.generator.model;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.generator.config.GeneratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Downloaded checkpoints on local disk, named by their sha256, so switching back to one (a pin, a restart with the
 * same choice) skips the download. Best effort: a cache that cannot be read or written only costs a download.
 * Keeps the most recently used {@code wordlm.model.cache-max-files} files; the disk (an emptyDir on Kubernetes) is bounded.
 */
@ApplicationScoped
public class CheckpointCache {
    private static final Logger LOG = Logger.getLogger(CheckpointCache.class);

    private final Path dir;
    private final int maxFiles;

    public CheckpointCache(GeneratorConfig config) {
        this.dir = config.modelCacheDir();
        this.maxFiles = Math.max(1, config.model().cacheMaxFiles());
    }

    /**
     * The cached bytes of a checkpoint, if present. Not verified here: the caller parses them, which checks them and
     * gives their sha256, and {@link #delete}s a copy that fails.
     */
    public Optional<byte[]> read(String sha256) {
        Path file = fileFor(sha256);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            return Optional.of(bytes);
        } catch (IOException e) {
            LOG.warnf("cannot read cached checkpoint %s: %s", file, e);
            return Optional.empty();
        }
    }

    /** Drops a cached copy that turned out damaged or wrong. */
    public void delete(String sha256) {
        Path file = fileFor(sha256);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("cannot delete cached checkpoint %s: %s", file, e);
        }
    }

    /** Stores verified bytes (write to a temporary file, then rename: readers never see half a file). */
    public void store(String sha256, byte[] bytes) {
        Path file = fileFor(sha256);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, sha256, ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            prune();
        } catch (IOException e) {
            LOG.warnf("cannot cache checkpoint in %s (serving it anyway): %s", dir, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // only wastes space until the next prune
                }
            }
        }
    }

    private void prune() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(Checkpoint.FILE_EXTENSION))
                    .sorted(Comparator.comparing(CheckpointCache::modified).reversed())
                    .toList();
        }
        for (Path old : files.subList(Math.min(maxFiles, files.size()), files.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private Path fileFor(String sha256) {
        return dir.resolve(sha256 + Checkpoint.FILE_EXTENSION);
    }
}
