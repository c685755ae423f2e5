package dev.wordlm.generator.generation;

import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.generator.inference.Admission;
import dev.wordlm.generator.inference.InferenceScheduler;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One generation, run in slices: a worker generates up to {@code sliceWords} words, hands them to the sink, and puts
 * the job back at the end of the queue once the sink has taken them. So a few workers serve many streams fairly
 * (a long stream does not hold a worker while short requests wait), and a slow reader stalls only its own job,
 * without holding a worker or buffering words. The lease keeps the job on the model it started with.
 */
final class GenerationJob implements Runnable {
    private static final Logger LOG = Logger.getLogger(GenerationJob.class);

    private final GenerationRequest request;
    private final Admission admission;
    private final WordSink sink;
    private final InferenceScheduler scheduler;
    private final GenerationMetrics metrics;
    private final GenerationMetrics.Api api;
    private final int sliceWords;
    private final Duration stallTimeout;
    private final long admittedAt = System.nanoTime();

    // Touched by one worker at a time; the executor's hand-off orders the accesses.
    private LanguageModel.Generation words;
    private long startedAt;
    private int produced;

    GenerationJob(GenerationRequest request, Admission admission, WordSink sink, InferenceScheduler scheduler,
                  GenerationMetrics metrics, GenerationMetrics.Api api, int sliceWords, Duration stallTimeout) {
        this.request = request;
        this.admission = admission;
        this.sink = sink;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.api = api;
        this.sliceWords = Math.max(1, sliceWords);
        this.stallTimeout = stallTimeout;
    }

    void start() {
        schedule();
    }

    @Override
    public void run() {
        int slice = 0;
        try {
            if (words == null) {
                startedAt = System.nanoTime();
                words = admission.lease().model().generate(request);
            }
            while (slice < sliceWords && words.hasNext()) {
                if (sink.cancelled()) {
                    finish(GenerationMetrics.Outcome.CANCELLED, null);
                    return;
                }
                sink.word(produced++, words.next());
                slice++;
            }
        } catch (RuntimeException e) {
            // The request, prompt included, was validated at admission: anything thrown here is the service's fault.
            finish(GenerationMetrics.Outcome.ERROR, e);
            return;
        } finally {
            metrics.words(slice);
        }
        if (!words.hasNext()) {
            finish(GenerationMetrics.Outcome.OK, null);
            return;
        }
        // A copy, so the timeout never completes the sink's own future.
        sink.ready().toCompletableFuture().copy().orTimeout(stallTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, error) -> {
                    if (error != null) {
                        finish(GenerationMetrics.Outcome.CANCELLED, null);
                    } else {
                        schedule();
                    }
                });
    }

    private void schedule() {
        try {
            scheduler.execute(this);
        } catch (RejectedExecutionException e) {
            finish(GenerationMetrics.Outcome.ERROR, e);
        }
    }

    /** Frees the model, the queue place and the native state before telling the client, so both are free when it sees the end. */
    private void finish(GenerationMetrics.Outcome outcome, Throwable error) {
        long end = System.nanoTime();
        if (words != null) {
            words.close();
        }
        admission.close();
        long started = startedAt == 0 ? end : startedAt;
        metrics.latency(api, outcome, Duration.ofNanos(end - admittedAt));
        if (outcome == GenerationMetrics.Outcome.CANCELLED) {
            sink.abandoned();
            return;
        }
        if (error != null) {
            LOG.errorf(error, "generation failed on checkpoint %s", admission.lease().checkpoint().checkpointId());
            sink.failed(error);
        } else {
            sink.completed(new GenerationSummary(produced, request.seed(), admission.lease().checkpoint(),
                    Duration.ofNanos(started - admittedAt), Duration.ofNanos(end - started)));
        }
    }
}
