package dev.wordlm.generation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to generate, with {@code generate.py}'s defaults.
 *
 * @param words       number of words to generate
 * @param temperature higher will increase diversity; below 1e-3 is an error, as in the reference
 * @param seed        random seed; {@code null} draws one
 * @param prompt      optional words to condition on (not repeated in the output)
 * @param topK        sample only among the k most likely words; 0 = all
 * @param topP        sample only among the most likely words whose probabilities sum to p; 1 = all
 */
public record GenerationRequest(int words, double temperature, Long seed, String prompt, int topK, double topP) {
    public static final int DEFAULT_WORDS = 1000;
    public static final double DEFAULT_TEMPERATURE = 1.0;
    public static final double MIN_TEMPERATURE = 1e-3;

    public static GenerationRequest of(int words, double temperature, Long seed) {
        return new GenerationRequest(words, temperature, seed, null, 0, 1.0);
    }

    /** Problems by field name, given the largest {@code words} and prompt length the caller allows. */
    public Map<String, String> problems(int maxWords, int maxPromptChars) {
        Map<String, String> p = new LinkedHashMap<>();
        if (words < 1 || words > maxWords) {
            p.put("words", "must be between 1 and " + maxWords + ", got " + words);
        }
        if (!(temperature >= MIN_TEMPERATURE) || !Double.isFinite(temperature)) {
            p.put("temperature", "has to be greater or equal 1e-3, got " + temperature);
        }
        if (prompt != null && prompt.length() > maxPromptChars) {
            p.put("prompt", "must be at most " + maxPromptChars + " characters, got " + prompt.length());
        }
        if (topK < 0) {
            p.put("topK", "must be 0 (off) or positive, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            p.put("topP", "must be in (0, 1], got " + topP);
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
