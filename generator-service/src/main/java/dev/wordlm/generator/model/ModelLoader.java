package dev.wordlm.generator.model;

import ai.djl.Device;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.CheckpointException;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.generator.config.GeneratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Turns a published checkpoint into a model ready to serve: bytes from the cache or the trainer, parsed and checked by
 * {@link Checkpoint#load(String, byte[])} (format, and its own digest) in one pass that also gives the file's sha256,
 * which must be the published one; then loaded on the CPU and tried out ({@code warmUp}). Anything wrong is a
 * {@link CheckpointRejectedException} naming the reason.
 */
@ApplicationScoped
public class ModelLoader {
    private static final Logger LOG = Logger.getLogger(ModelLoader.class);

    private final TrainerClient trainer;
    private final CheckpointCache cache;
    private final long maxBytes;
    private final int warmupWords;
    private final Map<UUID, CompletableFuture<Checkpoint>> inFlight = new ConcurrentHashMap<>();

    public ModelLoader(TrainerClient trainer, CheckpointCache cache, GeneratorConfig config) {
        this.trainer = trainer;
        this.cache = cache;
        this.maxBytes = config.model().maxCheckpointBytes();
        this.warmupWords = config.model().warmupWords();
    }

    /** Loads a checkpoint; the caller owns the returned model (and must close it if it does not serve it). */
    public ServedModel load(CheckpointRef ref) {
        long start = System.nanoTime();
        Checkpoint checkpoint = fetch(ref);
        long fetched = System.nanoTime();

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
        LOG.infof("checkpoint %s (run %s, epoch %d) ready in %d ms: fetch and verify %d ms, load %d ms, warm-up %d ms",
                ref.checkpointId(), ref.runId(), ref.epoch(), (done - start) / 1_000_000, (fetched - start) / 1_000_000,
                (loaded - fetched) / 1_000_000, (done - loaded) / 1_000_000);
        return new ServedModel(ref, model, Instant.now(), Duration.ofNanos(done - start));
    }

    /**
     * The verified file, from the cache or downloaded. Two loads of one checkpoint at once (an event and a catch-up,
     * an event and a pin) share one download: the second waits for the first.
     */
    private Checkpoint fetch(CheckpointRef ref) {
        CompletableFuture<Checkpoint> mine = new CompletableFuture<>();
        CompletableFuture<Checkpoint> running = inFlight.putIfAbsent(ref.checkpointId(), mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            Checkpoint checkpoint = cached(ref).orElseGet(() -> download(ref));
            mine.complete(checkpoint);
            return checkpoint;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(ref.checkpointId(), mine);
        }
    }

    /** The cached copy, parsed; a copy that does not parse or is another file is deleted (then it is downloaded). */
    private Optional<Checkpoint> cached(CheckpointRef ref) {
        Optional<byte[]> bytes = cache.read(ref.sha256());
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            Checkpoint checkpoint = Checkpoint.load(name(ref), bytes.get());
            if (checkpoint.info().sha256().equals(ref.sha256())) {
                return Optional.of(checkpoint);
            }
            LOG.warnf("cached %s has sha256 %s, not its name's; deleting it and downloading again", name(ref),
                    checkpoint.info().sha256());
        } catch (CheckpointException e) {
            LOG.warnf("cached %s is unreadable (%s); deleting it and downloading again", name(ref), e.getMessage());
        }
        cache.delete(ref.sha256());
        return Optional.empty();
    }

    /** Downloads, parses and checks the file against the announced size and sha256; caches it only if it passes. */
    private Checkpoint download(CheckpointRef ref) {
        byte[] bytes = trainer.download(ref, maxBytes);
        if (ref.sizeBytes() > 0 && bytes.length != ref.sizeBytes()) {
            throw new CheckpointRejectedException(ref.checkpointId(), "size", "checkpoint " + ref.checkpointId()
                    + ": downloaded " + bytes.length + " bytes, the trainer announced " + ref.sizeBytes());
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.load(name(ref), bytes);
        } catch (CheckpointException e) {
            // Only here is the digest computed apart: it tells a wrong file (or a damaged transfer) from a corrupt
            // file that the trainer announced as it is.
            String actual = sha256Hex(bytes);
            if (!actual.equals(ref.sha256())) {
                throw shaMismatch(ref, actual);
            }
            throw new CheckpointRejectedException(ref.checkpointId(), "corrupt", e.getMessage(), e);
        }
        if (!checkpoint.info().sha256().equals(ref.sha256())) {
            throw shaMismatch(ref, checkpoint.info().sha256());
        }
        cache.store(ref.sha256(), bytes);
        return checkpoint;
    }

    private static CheckpointRejectedException shaMismatch(CheckpointRef ref, String actual) {
        return new CheckpointRejectedException(ref.checkpointId(), "sha-mismatch", "checkpoint " + ref.checkpointId()
                + ": sha256 of the download is " + actual + ", the trainer announced " + ref.sha256());
    }

    private static String name(CheckpointRef ref) {
        return "checkpoint " + ref.checkpointId();
    }

    /** Lower-case hex, as the trainer publishes it. */
    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * Generates a few words before the model serves. Mainly a smoke test: a checkpoint that loads but cannot generate
     * is rejected here, while the current model keeps serving. On the CPU generation runs in plain Java
     * ({@code HostStepCell}) and, without a prompt, does no native compute, so there are no engine kernels to warm:
     * what it also buys is a head start for the JIT on the Java step, which matters for the first model loaded
     * (the step's code is shared by every later one).
     */
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
