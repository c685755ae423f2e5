package dev.wordlm.generator.inference;

import dev.wordlm.generator.config.GeneratorConfig;
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
import java.util.function.Supplier;

/**
 * Where model computations run: a fixed pool with one worker per core (native steps are CPU-bound, more threads only
 * contend), off the HTTP event loop. Admission is bounded: at most {@code queue-capacity} requests hold a
 * {@link Permit} at once, so memory stays bounded and a full service answers 503 at once instead of queueing without
 * limit. Each admitted request has at most one task waiting in the pool's queue at a time, so that queue is bounded too.
 */
@ApplicationScoped
public class InferenceScheduler {
    private final ThreadPoolExecutor workers;
    private final Semaphore places;
    private final int capacity;
    private final Counter overloaded;

    public InferenceScheduler(GeneratorConfig config, MeterRegistry registry) {
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
        Gauge.builder("wordlm.generation.queue.depth", workers, w -> w.getQueue().size())
                .description("Generation steps waiting for a worker").register(registry);
        Gauge.builder("wordlm.generation.in.flight", places, p -> capacity - p.availablePermits())
                .description("Requests admitted (running or queued)").register(registry);
    }

    /** A place for one request, or {@link OverloadedException} when all are taken. */
    public Permit admit() {
        if (!places.tryAcquire()) {
            overloaded.increment();
            throw new OverloadedException(capacity);
        }
        return new Permit(places);
    }

    /** Runs one step of an admitted request on a worker. */
    public void execute(Runnable step) {
        workers.execute(step);
    }

    /** Runs a whole admitted computation on a worker; the permit is given back when it ends. */
    public <T> CompletableFuture<T> submit(Permit permit, Supplier<T> computation) {
        try {
            return CompletableFuture.supplyAsync(computation, workers).whenComplete((r, e) -> permit.close());
        } catch (RuntimeException e) {
            permit.close();
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
