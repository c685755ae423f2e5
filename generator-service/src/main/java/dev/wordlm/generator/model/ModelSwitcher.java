package dev.wordlm.generator.model;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.wordlm.generator.config.GeneratorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Decides which checkpoint is served and swaps it in. Every decision and load runs on one thread, in arrival order,
 * so the policy, the pins and the served model change together and two loads never race; requests keep being served
 * from the current model meanwhile. A checkpoint that fails to load is rejected and the current model stays.
 */
@ApplicationScoped
public class ModelSwitcher {
    private static final Logger LOG = Logger.getLogger(ModelSwitcher.class);

    private static final String REJECTED_METRIC = "wordlm.checkpoints.rejected";

    /** What an offered checkpoint led to. */
    public enum Outcome {
        SWAPPED, IGNORED, REJECTED, FAILED;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final ModelHolder holder;
    private final ModelLoader loader;
    private final TrainerClient trainer;
    private final MeterRegistry registry;
    private final Counter swaps;
    private final Timer loadTime;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-switcher");
        t.setDaemon(true);
        return t;
    });
    private volatile ServingPolicy policy;
    private volatile Rejection lastRejection;
    private volatile HandledEvent lastEvent;

    public ModelSwitcher(ModelHolder holder, ModelLoader loader, TrainerClient trainer, GeneratorConfig config,
                         MeterRegistry registry) {
        this.holder = holder;
        this.loader = loader;
        this.trainer = trainer;
        this.registry = registry;
        this.policy = ServingPolicy.follow(config.model().selection());
        this.swaps = Counter.builder("wordlm.model.swaps").description("Models swapped in").register(registry);
        for (String reason : CheckpointRejectedException.REASONS) {
            rejections(reason);
        }
        this.loadTime = Timer.builder("wordlm.model.load")
                .description("Fetch, verification, loading and warm-up of a checkpoint").register(registry);
    }

    public ServingPolicy policy() {
        return policy;
    }

    public Optional<Rejection> lastRejection() {
        return Optional.ofNullable(lastRejection);
    }

    public Optional<HandledEvent> lastEvent() {
        return Optional.ofNullable(lastEvent);
    }

    public long swapCount() {
        return (long) swaps.count();
    }

    /** A published checkpoint: served if the policy prefers it to the current one. */
    public CompletableFuture<Outcome> offer(CheckpointRef candidate) {
        return submit(() -> {
            Outcome outcome = decide(candidate);
            lastEvent = new HandledEvent(candidate.checkpointId(), outcome, Instant.now());
            return outcome;
        });
    }

    private Outcome decide(CheckpointRef candidate) {
        CheckpointRef current = holder.current().map(ServedModel::checkpoint).orElse(null);
        if (!policy.accepts(candidate, current)) {
            LOG.infof("checkpoint %s not taken: %s keeps %s", candidate.checkpointId(), describe(policy),
                    current == null ? "nothing" : current.checkpointId());
            return Outcome.IGNORED;
        }
        try {
            serve(candidate);
            return Outcome.SWAPPED;
        } catch (CheckpointRejectedException e) {
            return Outcome.REJECTED;
        } catch (TrainerUnavailableException e) {
            LOG.warnf("checkpoint %s not loaded, the current model keeps serving: %s", candidate.checkpointId(),
                    e.getMessage());
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            LOG.errorf(e, "checkpoint %s not loaded, the current model keeps serving", candidate.checkpointId());
            return Outcome.FAILED;
        }
    }

    private static String describe(ServingPolicy p) {
        if (p.pinnedCheckpoint() != null) {
            return "the pin on checkpoint " + p.pinnedCheckpoint();
        }
        return "selection " + p.selection().value() + (p.pinnedRun() != null ? " within pinned run " + p.pinnedRun() : "");
    }

    /** Serves the trainer's current choice under the policy, unless already served; empty if nothing is served. */
    public CompletableFuture<Optional<ServedModel>> refresh() {
        return submit(() -> {
            ServingPolicy p = policy;
            Optional<CheckpointRef> choice = p.pinnedCheckpoint() != null
                    ? trainer.checkpoint(p.pinnedCheckpoint())
                    : trainer.choice(p.selection(), p.pinnedRun());
            CheckpointRef current = holder.current().map(ServedModel::checkpoint).orElse(null);
            if (choice.isPresent() && p.accepts(choice.get(), current)) {
                serve(choice.get());
            }
            return holder.current();
        });
    }

    /** Pins one checkpoint: serves it now and ignores newer ones until the pin changes. */
    public CompletableFuture<ServedModel> pinCheckpoint(UUID checkpointId) {
        return submit(() -> {
            CheckpointRef ref = trainer.checkpoint(checkpointId)
                    .orElseThrow(() -> new CheckpointNotFoundException("the trainer has no checkpoint " + checkpointId));
            ServedModel served = servedOrLoad(ref);
            policy = new ServingPolicy(policy.selection(), checkpointId, null);
            return served;
        });
    }

    /** Pins a run: serves its newest or best checkpoint now, and its later ones as the selection prefers them. */
    public CompletableFuture<ServedModel> pinRun(UUID runId, Selection selection) {
        return submit(() -> {
            CheckpointRef ref = trainer.choice(selection, runId)
                    .orElseThrow(() -> new CheckpointNotFoundException("the trainer has no checkpoint of run " + runId));
            ServedModel served = servedOrLoad(ref);
            policy = new ServingPolicy(selection, null, runId);
            return served;
        });
    }

    /** Drops any pin and follows a selection over all runs; serves its current choice if there is one. */
    public CompletableFuture<Optional<ServedModel>> follow(Selection selection) {
        return submit(() -> {
            Optional<CheckpointRef> choice = trainer.choice(selection, null);
            if (choice.isPresent()) {
                servedOrLoad(choice.get());
            }
            policy = ServingPolicy.follow(selection);
            return holder.current();
        });
    }

    private ServedModel servedOrLoad(CheckpointRef ref) {
        Optional<ServedModel> current = holder.current();
        if (current.isPresent() && current.get().checkpoint().checkpointId().equals(ref.checkpointId())) {
            return current.get();
        }
        return serve(ref);
    }

    private ServedModel serve(CheckpointRef ref) {
        ServedModel loaded;
        try {
            loaded = loader.load(ref);
        } catch (CheckpointRejectedException e) {
            reject(e);
            throw e;
        }
        loadTime.record(loaded.loadTime());
        Optional<ServedModel> previous = holder.swap(loaded);
        swaps.increment();
        LOG.infof("now serving checkpoint %s (run %s, epoch %d, valid ppl %.2f)%s", ref.checkpointId(), ref.runId(),
                ref.epoch(), ref.validPerplexity(), previous.map(p -> "; replaced " + p.checkpoint().checkpointId()
                        + ", freed after its last request").orElse(""));
        return loaded;
    }

    private void reject(CheckpointRejectedException e) {
        lastRejection = new Rejection(e.checkpointId(), e.reason(), e.getMessage(), Instant.now());
        countRejection(e.reason());
        LOG.warnf("rejected checkpoint %s (%s), the current model keeps serving: %s", e.checkpointId(), e.reason(),
                e.getMessage());
    }

    /**
     * Counts a checkpoint refused, under one of {@link CheckpointRejectedException#REASONS}; also for those refused
     * before they reach the switcher ({@link CheckpointRejectedException#MALFORMED_EVENT}).
     */
    public void countRejection(String reason) {
        rejections(reason).increment();
    }

    /** Checkpoints refused, by reason; all reasons exist from start-up so dashboards see zeros, not gaps. */
    private Counter rejections(String reason) {
        return Counter.builder(REJECTED_METRIC).tag("reason", reason).description("Checkpoints refused, by reason")
                .register(registry);
    }

    private <T> CompletableFuture<T> submit(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, worker);
    }

    @PreDestroy
    void shutdown() {
        worker.shutdownNow();
    }
}
