package dev.wordlm.generator.generation;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generator.config.GeneratorConfig;
import dev.wordlm.generator.inference.Admission;
import dev.wordlm.generator.inference.InferenceScheduler;
import dev.wordlm.generator.model.CheckpointRef;
import dev.wordlm.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Admits generation requests: validates them (400), takes a lease on the served model (503 when there is none) and a
 * place in the queue (503 when full), all on the calling thread and cheaply, before any native work is scheduled.
 */
@ApplicationScoped
public class GenerationService {

    private final InferenceScheduler scheduler;
    private final StreamBatcher batcher;
    private final GenerationMetrics metrics;
    private final int maxWords;
    private final int maxPromptChars;
    private final int sliceWords;
    private final Duration stallTimeout;

    public GenerationService(InferenceScheduler scheduler, StreamBatcher batcher, GenerationMetrics metrics,
                             GeneratorConfig config) {
        this.scheduler = scheduler;
        this.batcher = batcher;
        this.metrics = metrics;
        this.maxWords = config.generation().maxWords();
        this.maxPromptChars = config.generation().maxPromptChars();
        this.sliceWords = config.generation().sliceWords();
        this.stallTimeout = config.generation().stallTimeout();
    }

    /** A validated, admitted request holding its model lease and queue place: {@link Ticket#start} it or close it. */
    Ticket admit(GenerationRequest request, GenerationMetrics.Api api) {
        Map<String, String> problems = request.problems(maxWords, maxPromptChars);
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        GenerationRequest seeded = request.seed() != null ? request : new GenerationRequest(request.words(),
                request.temperature(), ThreadLocalRandom.current().nextLong(), request.prompt(), request.topK(), request.topP());
        Admission admission = scheduler.admit(lease -> checkPrompt(seeded.prompt(), lease.model().vocabulary()));
        return new Ticket(seeded, admission, api);
    }

    /** Prompt words the model cannot read are the client's mistake: say which, before any work is queued. */
    private static void checkPrompt(String prompt, Vocabulary vocabulary) {
        if (prompt == null || prompt.isBlank()) {
            return;
        }
        try {
            Corpus.encode(prompt, vocabulary, false); // the tokenisation generation uses: <unk> or an error naming them
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("prompt", e.getMessage());
        }
    }

    /** An admitted request. */
    final class Ticket implements AutoCloseable {
        private final GenerationRequest request;
        private final Admission admission;
        private final GenerationMetrics.Api api;
        private boolean started;

        private Ticket(GenerationRequest request, Admission admission, GenerationMetrics.Api api) {
            this.request = request;
            this.admission = admission;
            this.api = api;
        }

        GenerationRequest request() {
            return request;
        }

        CheckpointRef checkpoint() {
            return admission.lease().checkpoint();
        }

        /** Joins the generation to a batch lane; the job releases the lease and the place when it ends. */
        void start(WordSink sink) {
            started = true;
            batcher.join(new GenerationJob(request, admission, sink, metrics, api, sliceWords, stallTimeout));
        }

        /** Gives the lease and the place back if the generation was never started. */
        @Override
        public void close() {
            if (!started) {
                admission.close();
            }
        }
    }
}
