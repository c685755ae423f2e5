package dev.wordlm.generator.generation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
    private final DistributionSummary batchSize;
    private final Timer stepTime;
    private final Timer firstWord;
    private final Timer interWord;

    public GenerationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.words = Counter.builder("wordlm.generation.words").description("Words generated").register(registry);
        this.batchSize = DistributionSummary.builder("wordlm.generation.batch.size")
                .description("Streams advanced by one batched step").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
        this.stepTime = Timer.builder("wordlm.generation.step").description("One batched step, sampling included")
                .publishPercentileHistogram().register(registry);
        this.firstWord = Timer.builder("wordlm.generation.first.word")
                .description("From admission to a stream's first word").publishPercentileHistogram().register(registry);
        this.interWord = Timer.builder("wordlm.generation.inter.word")
                .description("Between two words of a stream").publishPercentileHistogram().register(registry);
    }

    /** One batched step of {@code streams} streams, each of which got a word. */
    void step(int streams, Duration elapsed) {
        words.increment(streams);
        batchSize.record(streams);
        stepTime.record(elapsed);
    }

    /** Time to a stream's first word, or since its previous one. */
    void wordLatency(boolean first, Duration elapsed) {
        (first ? firstWord : interWord).record(elapsed);
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
