package dev.wordlm.generator.generation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;

/**
 * Generation meters. Words are a counter ({@code rate(wordlm_generation_words_total[1m])} is words/s); latency is a
 * timer per API and outcome, with a histogram for percentiles.
 */
@ApplicationScoped
public class GenerationMetrics {
    /** The API a generation came through, a tag of the latency timer. */
    enum Api { TEXT, JSON, STREAM }

    /** How a generation ended. */
    enum Outcome { OK, CANCELLED, ERROR }

    private final MeterRegistry registry;
    private final Counter words;

    public GenerationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.words = Counter.builder("wordlm.generation.words").description("Words generated").register(registry);
    }

    void words(int n) {
        words.increment(n);
    }

    void latency(Api api, Outcome outcome, Duration elapsed) {
        Timer.builder("wordlm.generation.latency")
                .description("Generation requests, from admission to the last word")
                .tag("api", api.name().toLowerCase(Locale.ROOT))
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .register(registry)
                .record(elapsed);
    }
}
