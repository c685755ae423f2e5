package dev.wordlm.generator.generation;

import dev.wordlm.generation.GenerationOptions;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.options.OptionValues;
import dev.wordlm.problem.Echo;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.problem.Text;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link GenerationRequest} from what a client sent: form fields or query parameters (strings), or a JSON
 * body. Missing fields take the reference's defaults ({@link GenerationOptions}; the seed is drawn); unknown, repeated
 * or unparsable fields are a 400 naming them.
 * Ranges are checked afterwards by {@link GenerationRequest#problems}.
 */
final class GenerationParams {
    private static final String PROMPT = "prompt";
    static final Set<String> FIELDS = fields();

    private GenerationParams() {
    }

    private static Set<String> fields() {
        Set<String> names = new TreeSet<>(Set.of(PROMPT));
        GenerationOptions.ALL.forEach(h -> names.add(h.name()));
        return Set.copyOf(names);
    }

    /** The service's requests draw a seed when none is given; {@code lm generate}'s default is 1111. */
    private static GenerationOptions.Builder start() {
        return GenerationOptions.builder().seed(null);
    }

    static GenerationRequest fromStrings(Map<String, List<String>> values) {
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, String> single = new HashMap<>();
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (e.getKey() == null || !FIELDS.contains(e.getKey())) {
                problems.put(Echo.of(String.valueOf(e.getKey())).replace("'", ""), "unknown field; expected one of: " + String.join(", ", new TreeSet<>(FIELDS)));
            } else if (e.getValue().size() > 1) {
                problems.put(e.getKey(), "given " + e.getValue().size() + " times; give it once");
            } else if (!e.getValue().isEmpty() && Text.problem(e.getValue().get(0)).isPresent()) {
                problems.put(e.getKey(), Text.problem(e.getValue().get(0)).get());
            } else if (!e.getValue().isEmpty() && !e.getValue().get(0).isBlank()) {
                single.put(e.getKey(), e.getValue().get(0));
            }
        }
        GenerationOptions.Builder b = GenerationOptions.fromValues(start(), single, problems);
        List<String> prompt = values.get(PROMPT);
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return b.prompt(prompt == null || prompt.isEmpty() ? null : prompt.get(0)).build();
    }

    static GenerationRequest fromJson(GenerateJsonRequest body) {
        if (body == null) {
            return start().build();
        }
        Map<String, String> problems = new LinkedHashMap<>();
        GenerationOptions.Builder b = GenerationOptions.fromValues(start(), OptionValues.of(body), problems);
        if (!problems.isEmpty()) {
            throw ProblemException.invalid(problems);
        }
        return b.prompt(body.prompt()).build();
    }
}
