package dev.wordlm.generator.generation;

/**
 * Where a request's time went, in milliseconds.
 *
 * @param queuedMillis     waiting for a worker
 * @param generationMillis from the first step to the last word (includes time slices given to other requests)
 */
public record Timings(double queuedMillis, double generationMillis, double totalMillis, double wordsPerSecond) {
    static Timings of(GenerationSummary s) {
        return new Timings(s.queued().toNanos() / 1e6, s.generating().toNanos() / 1e6, s.total().toNanos() / 1e6,
                s.wordsPerSecond());
    }
}
