package dev.wordlm.generator.model;

import ai.djl.Device;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.CheckpointException;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.generator.config.GeneratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Turns a published checkpoint into a model ready to serve: bytes from the cache or the trainer, the published sha256
 * checked against the bytes, the file's own format and digest checked by {@link Checkpoint#load(String, byte[])},
 * loaded on the CPU and warmed up. Anything wrong is a {@link CheckpointRejectedException} naming the reason.
 */
@ApplicationScoped
public class ModelLoader {
    private static final Logger LOG = Logger.getLogger(ModelLoader.class);

    private final TrainerClient trainer;
    private final CheckpointCache cache;
    private final long maxBytes;
    private final int warmupWords;

    public ModelLoader(TrainerClient trainer, CheckpointCache cache, GeneratorConfig config) {
        this.trainer = trainer;
        this.cache = cache;
        this.maxBytes = config.model().maxCheckpointBytes();
        this.warmupWords = config.model().warmupWords();
    }

    /** Loads a checkpoint; the caller owns the returned model (and must close it if it does not serve it). */
    public ServedModel load(CheckpointRef ref) {
        long start = System.nanoTime();
        byte[] bytes = cache.read(ref.sha256()).orElseGet(() -> downloadVerified(ref));
        long fetched = System.nanoTime();

        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.load("checkpoint " + ref.checkpointId(), bytes);
        } catch (CheckpointException e) {
            throw new CheckpointRejectedException(ref.checkpointId(), "corrupt", e.getMessage(), e);
        }
        LanguageModel model;
        try {
            model = LanguageModel.load(checkpoint, Device.cpu());
        } catch (RuntimeException e) {
            throw new CheckpointRejectedException(ref.checkpointId(), "load",
                    "checkpoint " + ref.checkpointId() + " cannot be loaded: " + e.getMessage(), e);
        }
        long loaded = System.nanoTime();
        try {
            warmUp(model);
        } catch (RuntimeException e) {
            model.close();
            throw new CheckpointRejectedException(ref.checkpointId(), "load",
                    "checkpoint " + ref.checkpointId() + " fails to generate: " + e.getMessage(), e);
        }
        long done = System.nanoTime();
        LOG.infof("checkpoint %s (run %s, epoch %d) ready in %d ms: fetch %d ms, load %d ms, warm-up %d ms",
                ref.checkpointId(), ref.runId(), ref.epoch(), (done - start) / 1_000_000, (fetched - start) / 1_000_000,
                (loaded - fetched) / 1_000_000, (done - loaded) / 1_000_000);
        return new ServedModel(ref, model, Instant.now(), Duration.ofNanos(done - start));
    }

    private byte[] downloadVerified(CheckpointRef ref) {
        byte[] bytes = trainer.download(ref, maxBytes);
        if (ref.sizeBytes() > 0 && bytes.length != ref.sizeBytes()) {
            throw new CheckpointRejectedException(ref.checkpointId(), "size", "checkpoint " + ref.checkpointId()
                    + ": downloaded " + bytes.length + " bytes, the trainer announced " + ref.sizeBytes());
        }
        String actual = Sha256.hex(bytes);
        if (!actual.equals(ref.sha256())) {
            throw new CheckpointRejectedException(ref.checkpointId(), "sha-mismatch", "checkpoint " + ref.checkpointId()
                    + ": sha256 of the download is " + actual + ", the trainer announced " + ref.sha256());
        }
        cache.store(ref.sha256(), bytes);
        return bytes;
    }

    /** The first native calls of a model allocate and pick kernels: pay that before users do. */
    private void warmUp(LanguageModel model) {
        if (warmupWords <= 0) {
            return;
        }
        try (LanguageModel.Generation words = model.generate(GenerationRequest.of(warmupWords, 1.0, 0L))) {
            while (words.hasNext()) {
                words.next();
            }
        }
    }
}
