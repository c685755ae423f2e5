package dev.wordlm.generator.inference;

import dev.wordlm.generator.config.GeneratorConfig;
import dev.wordlm.generator.model.ModelHolder;
import dev.wordlm.generator.model.ModelLease;
import dev.wordlm.generator.model.NoModelException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where model computations run: a fixed pool with one worker per core (native steps are CPU-bound, more threads only
 * contend), off the HTTP event loop. Admission is bounded: at most {@code queue-capacity} requests hold an
 * {@link Admission} at once, so memory stays bounded and a full service answers 503 at once instead of queueing without
 * limit. Each admitted request has at most one task waiting in the pool's queue at a time, so that queue is bounded too.
 */
@ApplicationScoped
public class InferenceScheduler {
    private final ModelHolder holder;
    private final ThreadPoolExecutor workers;
    private final Semaphore places;
    private final int capacity;
    private final Counter overloaded;
    private final Counter noModel;

    public InferenceScheduler(ModelHolder holder, GeneratorConfig config, MeterRegistry registry) {
        this.holder = holder;
        int threads = config.generation().threads() > 0 ? config.generation().threads()
                : Runtime.getRuntime().availableProcessors();
        this.capacity = Math.max(1, config.generation().queueCapacity());
        this.places = new Semaphore(capacity);
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "inference-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.overloaded = Counter.builder("wordlm.generation.rejected").tag("reason", "overloaded")
                .description("Requests refused because the queue was full").register(registry);
        this.noModel = Counter.builder("wordlm.generation.rejected").tag("reason", "no_model")
                .description("Requests refused because no model was loaded").register(registry);
        Gauge.builder("wordlm.generation.queue.depth", workers, w -> w.getQueue().size())
                .description("Scoring requests waiting for a worker").register(registry);
        Gauge.builder("wordlm.generation.in.flight", places, p -> capacity - p.availablePermits())
                .description("Requests admitted (running or queued)").register(registry);
    }

    /** Admits a request that has nothing to check against the model beforehand: see {@link #admit(Consumer)}. */
    public Admission admit() {
        return admit(lease -> { });
    }

    /**
     * Admits a request, on the calling thread and cheaply, before any model work: takes a lease on the served model
     * ({@link NoModelException} when there is none), lets {@code check} validate the request against that model (so
     * a bad request is refused as such even when the queue is full), then takes a place in the queue
     * ({@link OverloadedException} when all are taken). When a step fails, nothing stays taken.
     */
    public Admission admit(Consumer<? super ModelLease> check) {
        ModelLease lease;
        try {
            lease = holder.acquire();
        } catch (NoModelException e) {
            noModel.increment();
            throw e;
        }
        try {
            check.accept(lease);
            if (!places.tryAcquire()) {
                overloaded.increment();
                throw new OverloadedException(capacity);
            }
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return new Admission(lease, places);
    }

    /** Runs a whole admitted computation on a worker, with the admitted model; the admission is closed when it ends. */
    public <T> CompletableFuture<T> submit(Admission admission, Function<ModelLease, T> computation) {
        try {
            return CompletableFuture.supplyAsync(() -> computation.apply(admission.lease()), workers)
                    .whenComplete((r, e) -> admission.close());
        } catch (RuntimeException e) {
            admission.close();
            throw e;
        }
    }

    public int threads() {
        return workers.getCorePoolSize();
    }

    public int queueDepth() {
        return workers.getQueue().size();
    }

    public boolean running() {
        return !workers.isShutdown();
    }

    @PreDestroy
    void shutdown() {
        workers.shutdownNow();
    }
}
