package dev.wordlm.generator.generation;

import dev.wordlm.generation.LanguageModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One thread of iteration-level scheduling: each turn it takes in the streams that joined, drops those that ended,
 * and advances every stream that is ready by one word in one batched step per model (a stream started before a hot
 * swap stays in its old model's batch). Streams join at the next step and leave the step they finish, so none waits
 * for another to end. When more streams are ready than a step takes, the step's window moves on each turn, so every
 * stream gets its share.
 */
final class BatchLane implements Runnable {
    private static final Logger LOG = Logger.getLogger(BatchLane.class);
    /** How often an idle lane looks at waiting streams' stall timeouts. */
    private static final long IDLE_POLL_MILLIS = 100;

    private final Queue<GenerationJob> joining = new ConcurrentLinkedQueue<>();
    private final List<GenerationJob> members = new ArrayList<>();
    private final AtomicInteger load = new AtomicInteger();
    private final Semaphore wake = new Semaphore(0);
    private final Runnable wakeUp = wake::release;
    private final GenerationMetrics metrics;
    private final int maxBatch;
    private final long batchWaitNanos;
    private final Thread thread;
    private volatile boolean stopping;
    private int window;

    BatchLane(String name, GenerationMetrics metrics, int maxBatch, Duration batchWait) {
        this.metrics = metrics;
        this.maxBatch = Math.max(1, maxBatch);
        this.batchWaitNanos = batchWait.toNanos();
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Streams on this lane, joined or joining: where a new one goes is decided by it. */
    int load() {
        return load.get();
    }

    boolean alive() {
        return thread.isAlive();
    }

    void join(GenerationJob job) {
        load.incrementAndGet();
        joining.add(job);
        wake.release();
        // the lane may have drained its joiners for the last time meanwhile: exactly one side removes the job
        if (stopping && joining.remove(job)) {
            load.decrementAndGet();
            job.fail(new IllegalStateException("the generator is stopping"));
        }
    }

    /** Ends every stream with an error (the service stops) and lets the thread end. */
    void stop() {
        stopping = true;
        wake.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                wake.drainPermits();
                boolean wasIdle = members.isEmpty();
                takeJoiners();
                if (wasIdle && !members.isEmpty() && batchWaitNanos > 0) {
                    // the first stream after a pause: give others arriving with it the chance to share the first step
                    wake.tryAcquire(batchWaitNanos, TimeUnit.NANOSECONDS);
                    takeJoiners();
                }
                if (!turn()) {
                    wake.tryAcquire(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "generation lane %s stopped", thread.getName());
        } finally {
            stopping = true;
            takeJoiners();
            for (GenerationJob job : members) {
                job.fail(new IllegalStateException("the generator is stopping"));
            }
            members.clear();
        }
    }

    private void takeJoiners() {
        for (GenerationJob job; (job = joining.poll()) != null; ) {
            if (stopping) {
                load.decrementAndGet();
                job.fail(new IllegalStateException("the generator is stopping"));
            } else if (job.begin()) {
                members.add(job);
            } else {
                load.decrementAndGet();
            }
        }
    }

    /** One step for the ready streams, a batch per model; false when none was ready. */
    private boolean turn() {
        long now = System.nanoTime();
        List<GenerationJob> ready = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            GenerationJob job = members.get(i);
            GenerationJob.State state = job.state(now);
            if (state == GenerationJob.State.READY) {
                ready.add(job);
            } else if (state == GenerationJob.State.DONE) {
                members.remove(i--);
                load.decrementAndGet();
            }
        }
        if (ready.isEmpty()) {
            return false;
        }
        Map<LanguageModel, List<GenerationJob>> byModel = new IdentityHashMap<>();
        int n = ready.size();
        int first = n > maxBatch ? window % n : 0;
        for (int k = 0; k < n; k++) {
            GenerationJob job = ready.get((first + k) % n);
            List<GenerationJob> batch = byModel.computeIfAbsent(job.model(), m -> new ArrayList<>());
            if (batch.size() < maxBatch) {
                batch.add(job);
            }
        }
        window += maxBatch;
        byModel.forEach(this::step);
        return true;
    }

    private void step(LanguageModel model, List<GenerationJob> batch) {
        List<LanguageModel.Generation> generations = new ArrayList<>(batch.size());
        for (GenerationJob job : batch) {
            generations.add(job.words());
        }
        long start = System.nanoTime();
        int[] ids;
        try {
            ids = model.nextIds(generations);
        } catch (RuntimeException e) {
            for (GenerationJob job : batch) {
                job.fail(e);
            }
            return;
        }
        long end = System.nanoTime();
        metrics.step(batch.size(), Duration.ofNanos(end - start));
        for (int b = 0; b < batch.size(); b++) {
            batch.get(b).deliver(ids[b], end, wakeUp);
        }
    }
}
