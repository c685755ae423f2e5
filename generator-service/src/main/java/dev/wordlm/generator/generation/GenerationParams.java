package dev.wordlm.generator.generation;

import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generator.web.InvalidRequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link GenerationRequest} from what a client sent: form fields or query parameters (strings), or a JSON
 * body. Missing fields take the reference's defaults; unknown, repeated or unparsable fields are a 400 naming them.
 * Ranges are checked afterwards by {@link GenerationRequest#problems}.
 */
final class GenerationParams {
    static final Set<String> FIELDS = Set.of("words", "temperature", "seed", "prompt", "topK", "topP");
    /** Top-k sampling off: every word of the vocabulary can be drawn. */
    static final int DEFAULT_TOP_K = 0;
    /** Nucleus (top-p) sampling off: the whole distribution. */
    static final double DEFAULT_TOP_P = 1.0;

    private GenerationParams() {
    }

    static GenerationRequest fromStrings(Map<String, List<String>> values) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (!FIELDS.contains(e.getKey())) {
                problems.put(e.getKey(), "unknown field; expected one of: " + String.join(", ", new TreeSet<>(FIELDS)));
            } else if (e.getValue().size() > 1) {
                problems.put(e.getKey(), "given " + e.getValue().size() + " times; give it once");
            }
        }
        Fields f = new Fields(values, problems);
        int words = f.integer("words", GenerationRequest.DEFAULT_WORDS);
        double temperature = f.number("temperature", GenerationRequest.DEFAULT_TEMPERATURE);
        Long seed = f.has("seed") ? f.longInteger("seed") : null;
        String prompt = f.text("prompt");
        int topK = f.integer("topK", DEFAULT_TOP_K);
        double topP = f.number("topP", DEFAULT_TOP_P);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return new GenerationRequest(words, temperature, seed, prompt, topK, topP);
    }

    static GenerationRequest fromJson(GenerateJsonRequest body) {
        if (body == null) {
            return new GenerationRequest(GenerationRequest.DEFAULT_WORDS, GenerationRequest.DEFAULT_TEMPERATURE, null,
                    null, DEFAULT_TOP_K, DEFAULT_TOP_P);
        }
        return new GenerationRequest(
                body.words() != null ? body.words() : GenerationRequest.DEFAULT_WORDS,
                body.temperature() != null ? body.temperature() : GenerationRequest.DEFAULT_TEMPERATURE,
                body.seed(), body.prompt(),
                body.topK() != null ? body.topK() : DEFAULT_TOP_K,
                body.topP() != null ? body.topP() : DEFAULT_TOP_P);
    }

    /** Reads single string values, collecting a problem per unparsable field. */
    private record Fields(Map<String, List<String>> values, Map<String, String> problems) {
        boolean has(String name) {
            List<String> v = values.get(name);
            return v != null && !v.isEmpty() && !v.get(0).isBlank();
        }

        String text(String name) {
            List<String> v = values.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        int integer(String name, int fallback) {
            if (!has(name)) {
                return fallback;
            }
            try {
                return Integer.parseInt(text(name).trim());
            } catch (NumberFormatException e) {
                problems.putIfAbsent(name, "must be an integer, got '" + text(name) + "'");
                return fallback;
            }
        }

        long longInteger(String name) {
            try {
                return Long.parseLong(text(name).trim());
            } catch (NumberFormatException e) {
                problems.putIfAbsent(name, "must be an integer, got '" + text(name) + "'");
                return 0;
            }
        }

        double number(String name, double fallback) {
            if (!has(name)) {
                return fallback;
            }
            try {
                double v = Double.parseDouble(text(name).trim());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                problems.putIfAbsent(name, "must be a number, got '" + text(name) + "'");
                return fallback;
            }
        }
    }
}
