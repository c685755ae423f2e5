package dev.wordlm.generation;

import dev.wordlm.options.Bounds;
import dev.wordlm.options.Hyperparameter;
import dev.wordlm.options.OptionValues;
import dev.wordlm.options.ValueKind;
import java.util.List;
import java.util.Map;

/**
 * Every sampling option of a generation, once: {@code generate.py}'s flags with its defaults, their ranges and help.
 * {@code lm generate}'s flags, the generator's form, query and JSON fields and {@link GenerationRequest#problems} come
 * from this list. The prompt is the input, not an option.
 */
public final class GenerationOptions {
    public static final Hyperparameter<GenerationRequest, Builder, Integer> WORDS = Hyperparameter.of("words",
            ValueKind.INT, 1000, GenerationRequest::words, Builder::words, "number of words to generate")
            .within(Bounds.atLeast(1));
    public static final Hyperparameter<GenerationRequest, Builder, Double> TEMPERATURE = Hyperparameter.of(
            "temperature", ValueKind.DOUBLE, 1.0, GenerationRequest::temperature, Builder::temperature,
            "temperature - higher will increase diversity")
            // The reference has no upper bound; far beyond 1000 every word is equally likely and the number a typo.
            .within(Bounds.between(1e-3, 1000).withText("has to be greater or equal 1e-3 and at most 1000"));
    public static final Hyperparameter<GenerationRequest, Builder, Long> SEED = Hyperparameter.of("seed",
            ValueKind.LONG, 1111L, GenerationRequest::seed, Builder::seed,
            "random seed (the services draw one when it is left out)");
    public static final Hyperparameter<GenerationRequest, Builder, Integer> TOP_K = Hyperparameter.of("topK",
            ValueKind.INT, 0, GenerationRequest::topK, Builder::topK, "sample among the k most likely words (0 = all)")
            .within(Bounds.atLeast(0).withText("must be 0 (off) or positive"));
    public static final Hyperparameter<GenerationRequest, Builder, Double> TOP_P = Hyperparameter.of("topP",
            ValueKind.DOUBLE, 1.0, GenerationRequest::topP, Builder::topP,
            "sample among the most likely words whose probabilities sum to p (1 = all)")
            .within(Bounds.above(0, 1));

    public static final List<Hyperparameter<GenerationRequest, Builder, ?>> ALL = List.of(WORDS, TEMPERATURE, SEED,
            TOP_K, TOP_P);

    private GenerationOptions() {
    }

    /** A builder holding {@code generate.py}'s defaults (seed 1111). */
    public static Builder builder() {
        return new Builder();
    }

    /** The options a client sent, by name; a value that cannot be read adds a problem under its name. */
    public static Builder fromValues(Builder start, Map<String, ?> values, Map<String, String> problems) {
        return OptionValues.fill(start, ALL, values, problems);
    }

    /** Named construction of a {@link GenerationRequest}. */
    public static final class Builder {
        private int words;
        private double temperature;
        private Long seed;
        private String prompt;
        private int topK;
        private double topP;

        private Builder() {
            ALL.forEach(h -> h.setDefault(this));
        }

        public Builder words(int v) {
            words = v;
            return this;
        }

        public Builder temperature(double v) {
            temperature = v;
            return this;
        }

        /** {@code null}: draw one. */
        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder prompt(String v) {
            prompt = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder topP(double v) {
            topP = v;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(words, temperature, seed, prompt, topK, topP);
        }
    }
}
