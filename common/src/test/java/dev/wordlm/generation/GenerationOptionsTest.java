package dev.wordlm.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GenerationOptionsTest {
    @Test
    void defaultsAreGeneratePys() {
        GenerationRequest d = GenerationOptions.builder().build();
        assertEquals(new GenerationRequest(1000, 1.0, 1111L, null, 0, 1.0), d);
        assertEquals(Map.of(), d.problems(1000, 10));
        assertEquals(GenerationRequest.MIN_TEMPERATURE, 1e-3);
    }

    @Test
    void everyComponentButThePromptIsAnOption() {
        Set<String> components = new HashSet<>();
        for (var c : GenerationRequest.class.getRecordComponents()) {
            components.add(c.getName());
        }
        Set<String> names = new HashSet<>(Set.of("prompt"));
        GenerationOptions.ALL.forEach(h -> names.add(h.name()));
        assertEquals(components, names);
        assertEquals("--top-k", GenerationOptions.TOP_K.flags().get(0));
        assertEquals("--top-p", GenerationOptions.TOP_P.flags().get(0));
    }

    @Test
    void problemsUseTheReferenceWordsAndTheCallersLimits() {
        GenerationRequest bad = GenerationOptions.builder().words(0).temperature(1e-4).topK(-1).topP(0).prompt("abcdef")
                .build();
        Map<String, String> p = bad.problems(500, 5);
        assertEquals("must be between 1 and 500, got 0", p.get("words"));
        assertEquals("has to be greater or equal 1e-3 and at most 1000, got 1.0E-4", p.get("temperature"));
        assertEquals("must be 0 (off) or positive, got -1", p.get("topK"));
        assertEquals("must be in (0, 1], got 0.0", p.get("topP"));
        assertEquals("must be at most 5 characters, got 6", p.get("prompt"));
        assertEquals("must be between 1 and 500, got 501",
                GenerationOptions.builder().words(501).build().problems(500, 5).get("words"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.validated(500, 5));
        assertTrue(e.getMessage().startsWith("words: must be between 1 and 500"), e.getMessage());
    }

    @Test
    void clientValuesAreReadByName() {
        Map<String, String> problems = new LinkedHashMap<>();
        GenerationRequest r = GenerationOptions.fromValues(GenerationOptions.builder().seed(null),
                Map.of("words", "12", "topP", "0.5", "topK", "x"), problems).build();
        assertEquals(12, r.words());
        assertEquals(0.5, r.topP());
        assertEquals(null, r.seed(), "left out: the service draws one");
        assertEquals(Map.of("topK", "must be an integer, got 'x'"), problems);
    }
}
