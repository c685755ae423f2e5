package dev.wordlm.generator.model;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.wordlm.generator.config.GeneratorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

/**
 * Decides which checkpoint is served and swaps it in. Decisions (the policy, the pins, the swap) run on one thread,
 * in order, and take microseconds; lookups at the trainer and loads run on a small pool beside it, each bounded by its
 * timeouts, so a slow or hanging trainer call delays only its own checkpoint, never a later one, a pin, or
 * {@code GET /api/model}. A checkpoint's metadata always comes from the trainer: an event only names an id. A load
 * that finishes is swapped in only if the policy still prefers it at that moment; a checkpoint that fails to load is
 * rejected and the current model stays.
 */
@ApplicationScoped
public class ModelSwitcher {
    private static final Logger LOG = Logger.getLogger(ModelSwitcher.class);

    private static final String REJECTED_METRIC = "wordlm.checkpoints.rejected";
    /** Lookups and loads at once; more wait their turn (each one is bounded by its timeout). */
    private static final int FETCH_THREADS = 4;

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
    private final CheckpointHoldKeeper holds;
    private final MeterRegistry registry;
    private final Counter swaps;
    private final Timer loadTime;
    private final ExecutorService decisions = Executors.newSingleThreadExecutor(daemon("model-switcher"));
    private final ThreadPoolExecutor fetches = new ThreadPoolExecutor(FETCH_THREADS, FETCH_THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), daemon("checkpoint-fetch"));
    private volatile ServingPolicy policy;
    private volatile Rejection lastRejection;
    private volatile HandledEvent lastEvent;

    public ModelSwitcher(ModelHolder holder, ModelLoader loader, TrainerClient trainer, CheckpointHoldKeeper holds,
                         GeneratorConfig config, MeterRegistry registry) {
        this.holder = holder;
        this.loader = loader;
        this.trainer = trainer;
        this.holds = holds;
        this.registry = registry;
        this.policy = ServingPolicy.follow(config.model().selection());
        this.swaps = Counter.builder("wordlm.model.swaps").description("Models swapped in").register(registry);
        for (String reason : CheckpointRejectedException.REASONS) {
            rejections(reason);
        }
        this.loadTime = Timer.builder("wordlm.model.load")
                .description("Fetch, verification, loading and warm-up of a checkpoint").register(registry);
        fetches.allowCoreThreadTimeOut(true);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
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

    /**
     * A checkpoint event: the trainer is asked for the checkpoint, which is served if the policy prefers the trainer's
     * record of it. An id the trainer does not know (a forged or stale event) costs one lookup and is rejected. When
     * the trainer cannot be reached (restarting, overloaded, a lookup or download timed out) the event is not lost:
     * the attempt is recorded as failed and tried again with a growing delay, 1 s doubling up to 30 s, for at most
     * 10 minutes (the retry's own settings, overridable as Fault Tolerance configuration); each try decides afresh,
     * so a checkpoint that newer ones have overtaken meanwhile is ignored, not served late. The stage fails only when
     * the tries are spent.
     */
    @AsynchronousNonBlocking
    @Retry(retryOn = TrainerUnavailableException.class, maxRetries = -1, delay = 1, delayUnit = ChronoUnit.SECONDS,
            maxDuration = 10, durationUnit = ChronoUnit.MINUTES, jitter = 200)
    @ExponentialBackoff(factor = 2, maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    public CompletionStage<Outcome> offer(UUID checkpointId) {
        CompletableFuture<Outcome> attempt = new CompletableFuture<>();
        fetch(() -> trainer.checkpoint(checkpointId))
                .thenCompose(found -> found.map(this::consider).orElseGet(() -> unknown(checkpointId)))
                .whenComplete((outcome, error) -> {
                    Throwable cause = error == null ? null : unwrap(error);
                    Outcome handled = cause == null ? outcome : failed(checkpointId, cause);
                    lastEvent = new HandledEvent(checkpointId, handled, Instant.now());
                    if (cause instanceof TrainerUnavailableException unavailable) {
                        attempt.completeExceptionally(unavailable); // what the retry looks for, unwrapped
                    } else {
                        attempt.complete(handled);
                    }
                });
        return attempt;
    }

    private CompletableFuture<Outcome> unknown(UUID checkpointId) {
        reject(new CheckpointRejectedException(checkpointId, CheckpointRejectedException.UNKNOWN,
                "the trainer has no checkpoint " + checkpointId + " (a stale or forged event)"));
        return CompletableFuture.completedFuture(Outcome.REJECTED);
    }

    private static Outcome failed(UUID checkpointId, Throwable cause) {
        if (cause instanceof CheckpointRejectedException) {
            return Outcome.REJECTED;
        }
        if (cause instanceof TrainerUnavailableException) {
            LOG.warnf("checkpoint %s not loaded yet, the current model keeps serving; asking again shortly: %s",
                    checkpointId, cause.getMessage());
        } else {
            LOG.errorf(cause, "checkpoint %s not loaded, the current model keeps serving", checkpointId);
        }
        return Outcome.FAILED;
    }

    /** Loads the checkpoint if the policy prefers it, and swaps it in if the policy still prefers it once loaded. */
    private CompletableFuture<Outcome> consider(CheckpointRef candidate) {
        return decide(() -> wanted(candidate)).thenCompose(wanted -> !wanted
                ? CompletableFuture.completedFuture(Outcome.IGNORED)
                : fetch(() -> loadOrReject(candidate)).thenApplyAsync(loaded -> {
                    if (wanted(loaded.checkpoint())) {
                        swapIn(loaded);
                        return Outcome.SWAPPED;
                    }
                    loaded.model().close();
                    return Outcome.IGNORED;
                }, decisions));
    }

    private boolean wanted(CheckpointRef candidate) {
        CheckpointRef current = holder.current().map(ServedModel::checkpoint).orElse(null);
        ServingPolicy p = policy;
        if (!p.accepts(candidate, current)) {
            LOG.infof("checkpoint %s not taken: %s keeps %s", candidate.checkpointId(), describe(p),
                    current == null ? "nothing" : current.checkpointId());
            return false;
        }
        return true;
    }

    private static String describe(ServingPolicy p) {
        if (p.pinnedCheckpoint() != null) {
            return "the pin on checkpoint " + p.pinnedCheckpoint();
        }
        return "selection " + p.selection().value() + (p.pinnedRun() != null ? " within pinned run " + p.pinnedRun() : "");
    }

    /** Serves the trainer's current choice under the policy, unless already served; empty if nothing is served. */
    public CompletableFuture<Optional<ServedModel>> refresh() {
        ServingPolicy p = policy;
        return fetch(() -> p.pinnedCheckpoint() != null
                ? trainer.checkpoint(p.pinnedCheckpoint())
                : trainer.choice(p.selection(), p.pinnedRun()))
                .thenCompose(choice -> choice.map(this::consider)
                        .orElseGet(() -> CompletableFuture.completedFuture(Outcome.IGNORED)))
                .thenApply(outcome -> holder.current());
    }

    /** Pins one checkpoint: serves it now and ignores newer ones until the pin changes. */
    public CompletableFuture<ServedModel> pinCheckpoint(UUID checkpointId) {
        return fetch(() -> trainer.checkpoint(checkpointId).orElseThrow(
                () -> new CheckpointNotFoundException("the trainer has no checkpoint " + checkpointId)))
                .thenCompose(ref -> choose(ref, () -> policy = new ServingPolicy(policy.selection(), checkpointId, null)));
    }

    /** Pins a run: serves its newest or best checkpoint now, and its later ones as the selection prefers them. */
    public CompletableFuture<ServedModel> pinRun(UUID runId, Selection selection) {
        return fetch(() -> trainer.choice(selection, runId).orElseThrow(
                () -> new CheckpointNotFoundException("the trainer has no checkpoint of run " + runId)))
                .thenCompose(ref -> choose(ref, () -> policy = new ServingPolicy(selection, null, runId)));
    }

    /** Drops any pin and follows a selection over all runs; serves its current choice if there is one. */
    public CompletableFuture<Optional<ServedModel>> follow(Selection selection) {
        Runnable unpin = () -> policy = ServingPolicy.follow(selection);
        return fetch(() -> trainer.choice(selection, null)).thenCompose(choice -> choice.isPresent()
                ? choose(choice.get(), unpin).thenApply(served -> holder.current())
                : decide(() -> {
                    unpin.run();
                    return holder.current();
                }));
    }

    /**
     * Serves {@code ref} whatever the policy says (it is being chosen), loading it unless it serves already, then
     * changes the policy: both on the decision thread, together.
     */
    private CompletableFuture<ServedModel> choose(CheckpointRef ref, Runnable policyChange) {
        boolean servedNow = servedAs(ref).isPresent();
        CompletableFuture<Optional<ServedModel>> loading = servedNow
                ? CompletableFuture.completedFuture(Optional.empty())
                : fetch(() -> Optional.of(loadOrReject(ref)));
        return loading.thenComposeAsync(loaded -> {
            Optional<ServedModel> current = servedAs(ref);
            if (current.isPresent()) {
                loaded.ifPresent(m -> m.model().close());
                policyChange.run();
                return CompletableFuture.completedFuture(current.get());
            }
            if (loaded.isEmpty()) {
                // It served when asked but was swapped out since: load it after all.
                return choose(ref, policyChange);
            }
            swapIn(loaded.get());
            policyChange.run();
            return CompletableFuture.completedFuture(loaded.get());
        }, decisions);
    }

    private Optional<ServedModel> servedAs(CheckpointRef ref) {
        return holder.current().filter(m -> m.checkpoint().checkpointId().equals(ref.checkpointId()));
    }

    private ServedModel loadOrReject(CheckpointRef ref) {
        try {
            return loader.load(ref);
        } catch (CheckpointRejectedException e) {
            reject(e);
            throw e;
        }
    }

    /** On the decision thread only. */
    private void swapIn(ServedModel loaded) {
        CheckpointRef ref = loaded.checkpoint();
        loadTime.record(loaded.loadTime());
        Optional<ServedModel> previous = holder.swap(loaded);
        swaps.increment();
        holds.serving(ref, previous.map(ServedModel::checkpoint));
        LOG.infof("now serving checkpoint %s (run %s, epoch %d, valid ppl %.2f)%s", ref.checkpointId(), ref.runId(),
                ref.epoch(), ref.validPerplexity(), previous.map(p -> "; replaced " + p.checkpoint().checkpointId()
                        + ", freed after its last request").orElse(""));
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

    /** A lookup or a load, off the decision thread. */
    private <T> CompletableFuture<T> fetch(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, fetches);
    }

    /** A decision, on the decision thread. */
    private <T> CompletableFuture<T> decide(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, decisions);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @PreDestroy
    void shutdown() {
        fetches.shutdownNow();
        decisions.shutdownNow();
    }
}
