package dev.wordlm.generation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to generate, with {@code generate.py}'s defaults; names, defaults and ranges are in {@link GenerationOptions}.
 *
 * @param words       number of words to generate
 * @param temperature higher will increase diversity; below 1e-3 is an error, as in the reference
 * @param seed        random seed; {@code null} draws one
 * @param prompt      optional words to condition on (not repeated in the output)
 * @param topK        sample only among the k most likely words; 0 = all
 * @param topP        sample only among the most likely words whose probabilities sum to p; 1 = all
 */
public record GenerationRequest(int words, double temperature, Long seed, String prompt, int topK, double topP) {
    public static final int DEFAULT_WORDS = GenerationOptions.WORDS.defaultValue();
    public static final double DEFAULT_TEMPERATURE = GenerationOptions.TEMPERATURE.defaultValue();
    public static final double MIN_TEMPERATURE = GenerationOptions.TEMPERATURE.bounds().min();

    public static GenerationRequest of(int words, double temperature, Long seed) {
        return GenerationOptions.builder().words(words).temperature(temperature).seed(seed).build();
    }

    /** Problems by field name, given the largest {@code words} and prompt length the caller allows. */
    public Map<String, String> problems(int maxWords, int maxPromptChars) {
        Map<String, String> p = new LinkedHashMap<>();
        for (var h : GenerationOptions.ALL) {
            h.problem(this).ifPresent(message -> p.put(h.name(), message));
        }
        if (words < 1 || words > maxWords) { // the caller's limit is part of the range
            p.put("words", "must be between 1 and " + maxWords + ", got " + words);
        }
        if (prompt != null && prompt.length() > maxPromptChars) {
            p.put("prompt", "must be at most " + maxPromptChars + " characters, got " + prompt.length());
        }
        return p;
    }

    /** Throws {@link IllegalArgumentException} naming every bad field. */
    public GenerationRequest validated(int maxWords, int maxPromptChars) {
        Map<String, String> p = problems(maxWords, maxPromptChars);
        if (!p.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            p.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append(": ").append(v));
            throw new IllegalArgumentException(sb.toString());
        }
        return this;
    }
}
