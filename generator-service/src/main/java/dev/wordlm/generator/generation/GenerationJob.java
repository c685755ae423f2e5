package dev.wordlm.generator.generation;

import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.generator.inference.Admission;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * One generation as a member of a {@link BatchLane}: the lane advances it one word per step, batched with the other
 * streams on the same model. It may run {@code sliceWords} words ahead of what its client has taken; then it sits
 * out the steps until the sink catches up, so a slow reader stalls only itself and holds no buffer. The lease keeps
 * it on the model it started with. Touched only by its lane's thread, apart from the wake-up callback.
 */
final class GenerationJob {
    private static final Logger LOG = Logger.getLogger(GenerationJob.class);

    /** Where a job stands before a step. */
    enum State { READY, WAITING, DONE }

    private final GenerationRequest request;
    private final Admission admission;
    private final WordSink sink;
    private final GenerationMetrics metrics;
    private final GenerationMetrics.Api api;
    private final int sliceWords;
    private final long stallNanos;
    private final long admittedAt = System.nanoTime();

    private LanguageModel.Generation words;
    private long startedAt;
    private long lastWordAt;
    private int produced;
    private int unconfirmed;
    private CompletableFuture<?> waitingFor;
    private long waitingSince;
    private boolean done;

    GenerationJob(GenerationRequest request, Admission admission, WordSink sink, GenerationMetrics metrics,
                  GenerationMetrics.Api api, int sliceWords, Duration stallTimeout) {
        this.request = request;
        this.admission = admission;
        this.sink = sink;
        this.metrics = metrics;
        this.api = api;
        this.sliceWords = Math.max(1, sliceWords);
        this.stallNanos = stallTimeout.toNanos();
    }

    /** Reads the prompt and opens the stream on the lane's thread; false (and finished) if that fails. */
    boolean begin() {
        try {
            startedAt = System.nanoTime();
            words = admission.lease().model().generate(request);
            return true;
        } catch (RuntimeException e) {
            // The request, prompt included, was validated at admission: anything thrown here is the service's fault.
            finish(GenerationMetrics.Outcome.ERROR, e);
            return false;
        }
    }

    LanguageModel model() {
        return admission.lease().model();
    }

    LanguageModel.Generation words() {
        return words;
    }

    /** Whether the job takes part in the next step; ends it if its client went away or stalled too long. */
    State state(long now) {
        if (done) {
            return State.DONE;
        }
        if (sink.cancelled()) {
            finish(GenerationMetrics.Outcome.CANCELLED, null);
            return State.DONE;
        }
        if (waitingFor != null) {
            if (!waitingFor.isDone()) {
                if (now - waitingSince > stallNanos) {
                    finish(GenerationMetrics.Outcome.CANCELLED, null);
                    return State.DONE;
                }
                return State.WAITING;
            }
            waitingFor = null;
        }
        return State.READY;
    }

    /** Hands the word the step sampled to the client; after a slice, waits for the client to take it. */
    void deliver(int id, long now, Runnable wake) {
        try {
            sink.word(produced++, model().vocabulary().word(id));
        } catch (RuntimeException e) {
            finish(GenerationMetrics.Outcome.ERROR, e);
            return;
        }
        metrics.wordLatency(produced == 1, Duration.ofNanos(now - (produced == 1 ? admittedAt : lastWordAt)));
        lastWordAt = now;
        if (!words.hasNext()) {
            finish(GenerationMetrics.Outcome.OK, null);
            return;
        }
        if (++unconfirmed >= sliceWords) {
            unconfirmed = 0;
            CompletableFuture<?> ready = sink.ready().toCompletableFuture();
            if (!ready.isDone()) {
                waitingFor = ready;
                waitingSince = now;
                ready.whenComplete((r, e) -> wake.run());
            }
        }
    }

    /** Ends the job because the service stops or its step failed. */
    void fail(Throwable error) {
        finish(GenerationMetrics.Outcome.ERROR, error);
    }

    /** Frees the model, the queue place and the native state before telling the client, so both are free when it sees the end. */
    private void finish(GenerationMetrics.Outcome outcome, Throwable error) {
        if (done) {
            return;
        }
        done = true;
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
