package dev.wordlm.generator.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.problem.FieldProblem;
import dev.wordlm.problem.ProblemException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Form fields and query parameters into a generation request, and the reference's text layout. */
class GenerationParamsTest {

    @Test
    void missingFieldsTakeTheReferenceDefaults() {
        GenerationRequest r = GenerationParams.fromStrings(Map.of());
        assertEquals(new GenerationRequest(1000, 1.0, null, null, 0, 1.0), r);
        assertEquals(r, GenerationParams.fromJson(null));
        assertEquals(r, GenerationParams.fromJson(new GenerateJsonRequest(null, null, null, null, null, null)));
    }

    @Test
    void fieldsAreParsed() {
        GenerationRequest r = GenerationParams.fromStrings(Map.of("words", List.of(" 100 "), "temperature", List.of("0.5"),
                "seed", List.of("-7"), "prompt", List.of("the cat"), "topK", List.of("3"), "topP", List.of("0.9")));
        assertEquals(new GenerationRequest(100, 0.5, -7L, "the cat", 3, 0.9), r);
        assertNull(GenerationParams.fromStrings(Map.of("seed", List.of(""))).seed(), "an empty field is absent");
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("words", List.of("lots"));
        form.put("temperature", List.of("Infinity"));
        form.put("seed", List.of("1", "2"));
        form.put("colour", List.of("red"));
        ProblemException e = assertThrows(ProblemException.class, () -> GenerationParams.fromStrings(form));
        assertEquals(400, e.status());
        assertEquals(List.of("words", "temperature", "seed", "colour").stream().sorted().toList(),
                e.errors().stream().map(FieldProblem::field).sorted().toList());
    }

    @Test
    void textIsLaidOutTwentyWordsPerLine() {
        List<String> words = IntStream.range(0, 41).mapToObj(i -> "w" + i).toList();
        String text = TextLayout.of(words);
        assertEquals(3, text.lines().count());
        assertEquals(20, text.lines().findFirst().orElseThrow().trim().split(" ").length);
        assertEquals("w40 ", text.lines().toList().get(2));
    }
}
