package dev.wordlm.generator.support;

import dev.wordlm.checkpoint.Checkpoint;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Starts a {@link FakeTrainer} before the application and points {@code wordlm.trainer-url} at it. With the init arg
 * {@code initial=trained} it already holds one trained checkpoint (so the application has something to load at
 * start-up); with {@code initial=none} it starts empty and unavailable.
 */
public class FakeTrainerResource implements QuarkusTestResourceLifecycleManager {
    public static final String INITIAL = "initial";
    /** Run id of the checkpoint published at start with {@code initial=trained}. */
    public static final UUID INITIAL_RUN = UUID.fromString("00000000-0000-0000-0000-00000000a001");

    private String initial = "trained";
    private FakeTrainer trainer;
    private Path work;

    @Override
    public void init(Map<String, String> args) {
        initial = args.getOrDefault(INITIAL, initial);
    }

    @Override
    public Map<String, String> start() {
        try {
            work = Files.createTempDirectory("generator-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trainer = FakeTrainer.start();
        if ("trained".equals(initial)) {
            byte[] file = TestCheckpoints.trained(work, 1);
            double ppl = Math.exp(Checkpoint.load("initial", file).info().validLoss());
            trainer.publish(INITIAL_RUN, 1, ppl, file);
        } else {
            trainer.setAvailable(false);
        }
        return Map.of("wordlm.trainer-url", trainer.url(),
                "wordlm.model-cache-dir", work.resolve("model-cache").toString());
    }

    @Override
    public void stop() {
        if (trainer != null) {
            trainer.close();
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
    }
}
