package dev.wordlm.trainer.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing a directory tree. */
public final class Tree {
    private Tree() {
    }

    /** Deletes {@code dir} and everything in it; true when nothing of it is left. */
    public static boolean delete(Path dir) {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return !Files.exists(dir);
    }
}
