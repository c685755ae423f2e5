package dev.wordlm.generator;

import static dev.wordlm.generator.support.Api.servedCheckpoint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.generator.support.FakeTrainer;
import dev.wordlm.generator.support.FakeTrainerResource;
import dev.wordlm.generator.support.SseClient;
import dev.wordlm.generator.support.TestCheckpoints;
import dev.wordlm.generator.support.TestTokens;
import dev.wordlm.generator.support.WarmProfile;
import dev.wordlm.testing.SseParser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST and SSE API against the real trained checkpoint served since start-up. */
@QuarkusTest
@TestProfile(WarmProfile.class)
class GenerationApiTest {
    private static Vocabulary vocabulary;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void corpus(@TempDir Path dir) {
        vocabulary = TestCheckpoints.sampleCorpus(dir).vocabulary();
    }

    /** Other test classes swap models; these tests run on the trained checkpoint of the initial run. */
    @BeforeEach
    void servesTheInitialRun() {
        TestTokens.asAdmin();
        given().contentType(ContentType.JSON).body(Map.of("runId", FakeTrainerResource.INITIAL_RUN.toString()))
                .put("/api/model").then().statusCode(200).body("model.runId", equalTo(FakeTrainerResource.INITIAL_RUN.toString()));
    }

    @Test
    void atStartUpTheTrainersNewestCheckpointWasLoadedWithoutAnyEventAndIsCached() {
        FakeTrainer trainer = FakeTrainer.instance();
        UUID initial = trainer.downloaded().get(0);
        assertTrue(trainer.requests().get(0).startsWith("/api/checkpoints?selection=newest&limit=1"),
                "the first request asks for the trainer's choice: " + trainer.requests());
        given().get("/api/model").then().body("model.checkpointId", equalTo(initial.toString()));
        // Pinned again (before each test): read from the cache by its sha256, never downloaded twice.
        assertEquals(1, trainer.downloaded().stream().filter(initial::equals).count());
    }

    @Test
    void multipartFormAnswersPlainTextLaidOutLikeTheReference() {
        String checkpoint = servedCheckpoint();
        Response r = given().multiPart("words", "100").multiPart("temperature", "1.0").post("/generate");
        r.then().statusCode(200).contentType(startsWith("text/plain"))
                .header("X-Model-Checkpoint", checkpoint)
                .header("X-Model-Run", FakeTrainerResource.INITIAL_RUN.toString());
        String text = r.asString();
        List<String> lines = text.lines().toList();
        assertEquals(5, lines.size(), "20 words per line: " + text);
        List<String> words = Arrays.asList(text.trim().split("\\s+"));
        assertEquals(100, words.size());
        assertTrue(vocabulary.words().containsAll(words), "every word comes from the model's vocabulary: " + words);
    }

    @Test
    void urlEncodedFormIsAcceptedToo() {
        String text = given().formParam("words", "7").formParam("seed", "5").post("/generate")
                .then().statusCode(200).contentType(startsWith("text/plain")).extract().asString();
        assertEquals(7, text.trim().split("\\s+").length);
    }

    @Test
    void jsonAnswersTextWordsSeedModelAndTimings() {
        String checkpoint = servedCheckpoint();
        Map<String, Object> request = Map.of("prompt", word(0) + " " + word(1), "words", 50, "temperature", 0.8, "seed", 42,
                "topK", 5, "topP", 0.9);
        Response r = given().contentType(ContentType.JSON).body(request).post("/generate");
        r.then().statusCode(200).contentType(ContentType.JSON)
                .header("X-Model-Checkpoint", checkpoint)
                .body("count", equalTo(50))
                .body("words.size()", equalTo(50))
                .body("seed", equalTo(42))
                .body("model.checkpointId", equalTo(checkpoint))
                .body("model.runId", equalTo(FakeTrainerResource.INITIAL_RUN.toString()))
                .body("timings.totalMillis", greaterThan(0f))
                .body("timings.wordsPerSecond", greaterThan(0f));
        List<String> words = r.jsonPath().getList("words", String.class);
        assertEquals(String.join(" ", words), r.jsonPath().getString("text").replace('\n', ' ').trim());
        // The same seed on the same checkpoint gives the same words.
        List<String> again = given().contentType(ContentType.JSON).body(request).post("/generate")
                .then().statusCode(200).extract().jsonPath().getList("words", String.class);
        assertEquals(words, again);
    }

    @Test
    void streamSendsModelThenOneEventPerWordThenDone() {
        String checkpoint = servedCheckpoint();
        SseClient.Result stream = SseClient.read(base.resolve("/generate/stream?words=30&seed=3&temperature=1.0"), e -> { });
        assertEquals(200, stream.status());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals(checkpoint, stream.headers().firstValue("X-Model-Checkpoint").orElse(null));
        assertEquals("model", stream.events().get(0).name());
        assertTrue(stream.events().get(0).data().contains(checkpoint));

        List<SseParser.Event> words = stream.named("word");
        assertEquals(30, words.size());
        for (int i = 0; i < words.size(); i++) {
            assertEquals(Integer.toString(i), words.get(i).id());
            assertTrue(vocabulary.contains(words.get(i).data()), words.get(i).data());
        }
        SseParser.Event done = stream.events().get(stream.events().size() - 1);
        assertEquals("done", done.name());
        assertTrue(done.data().contains("\"count\":30"), done.data());
        assertTrue(done.data().contains(checkpoint), done.data());
        assertTrue(done.data().contains("\"wordsPerSecond\""), done.data());

        // The stream samples exactly what the JSON API samples for the same seed.
        List<String> json = given().contentType(ContentType.JSON).body(Map.of("words", 30, "seed", 3)).post("/generate")
                .then().statusCode(200).extract().jsonPath().getList("words", String.class);
        assertEquals(json, words.stream().map(SseParser.Event::data).toList());
    }

    @Test
    void badInputIsA400WithJsonNamingTheField() {
        invalid(given().multiPart("words", "0").post("/generate"), "words");
        invalid(given().multiPart("words", "10001").post("/generate"), "words");
        invalid(given().multiPart("words", "many").post("/generate"), "words");
        invalid(given().multiPart("temperature", "0.0001").post("/generate"), "temperature");
        invalid(given().multiPart("words", "5").multiPart("temprature", "1.0").post("/generate"), "temprature");
        invalid(given().formParam("words", "5").formParam("words", "6").post("/generate"), "words");
        invalid(given().multiPart("prompt", "zebra the").post("/generate"), "prompt");
        invalid(given().contentType(ContentType.JSON).body(Map.of("prompt", "x".repeat(2001))).post("/generate"), "prompt");
        invalid(given().contentType(ContentType.JSON).body(Map.of("words", "many")).post("/generate"), "words");
        invalid(given().contentType(ContentType.JSON).body(Map.of("words", 1.5)).post("/generate"), "words");
        invalid(given().contentType(ContentType.JSON).body(Map.of("temperature", 0)).post("/generate"), "temperature");
        invalid(given().contentType(ContentType.JSON).body(Map.of("words", 5, "color", "red")).post("/generate"), "color");
        invalid(given().contentType(ContentType.JSON).body(Map.of("topP", 0)).post("/generate"), "topP");
        invalid(given().get("/generate/stream?words=-1"), "words");
        invalid(given().get("/generate/stream?words=3&bogus=1"), "bogus");
        given().contentType(ContentType.JSON).body("{\"words\": ").post("/generate")
                .then().statusCode(400).contentType("application/problem+json").body("type", equalTo("urn:wordlm:problem:invalid-request"))
                .body(not(containsString("Exception")));
    }

    @Test
    void scoreGivesThePerplexityOfAText() {
        String checkpoint = servedCheckpoint();
        given().contentType(ContentType.JSON).body(Map.of("text", word(0) + " " + word(1) + " " + word(2) + "\n" + word(3) + " " + word(0) + "\n"))
                .post("/api/score")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("tokens", greaterThan(5)).body("columns", equalTo(1))
                .body("perplexity", greaterThan(1f))
                .body("checkpointId", equalTo(checkpoint));
        given().contentType(ContentType.TEXT).body(word(1) + " " + word(2) + "\n").post("/api/score").then().statusCode(200);
        invalid(given().contentType(ContentType.JSON).body(Map.of("text", "zebra")).post("/api/score"), "text");
        invalid(given().contentType(ContentType.JSON).body(Map.of("text", " ")).post("/api/score"), "text");
        invalid(given().contentType(ContentType.JSON).body(Map.of("txt", word(0))).post("/api/score"), "txt");
    }

    @Test
    void modelEndpointDescribesTheServedCheckpoint() {
        given().get("/api/model").then().statusCode(200)
                .body("loaded", equalTo(true))
                .body("selection", equalTo("newest"))
                .body("pinned.runId", equalTo(FakeTrainerResource.INITIAL_RUN.toString()))
                .body("model.epoch", equalTo(1))
                .body("model.validPerplexity", greaterThan(1f))
                .body("model.servingSince", notNullValue())
                .body("model.architecture.type", equalTo("LSTM"))
                .body("model.architecture.vocabSize", equalTo(vocabulary.size()));
    }

    @Test
    void healthMetricsAndOpenApi() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("\"model\""))
                .body(containsString("checkpoints"));
        given().get("/q/health/live").then().statusCode(200).body(containsString("inference"));
        given().multiPart("words", "3").post("/generate").then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("wordlm_generation_words_total", "wordlm_generation_latency_seconds_count",
                "wordlm_model_swaps_total", "wordlm_checkpoints_rejected_total", "wordlm_generation_queue_depth",
                "wordlm_generation_in_flight", "wordlm_generation_rejected_total")) {
            assertTrue(metrics.contains(name), name + " in /q/metrics");
        }
        given().get("/q/openapi").then().statusCode(200).body(containsString("/generate/stream"))
                .body(containsString("/api/model"));
    }

    /** Every generation parameter is documented with its type and range, from the one option list. */
    @Test
    void openApiShowsEveryParameterWithItsBounds() {
        io.restassured.path.json.JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().jsonPath();
        List<Map<String, Object>> query = doc.getList("paths.'/generate/stream'.get.parameters");
        Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
        query.forEach(p -> byName.put((String) p.get("name"), p));
        assertTrue(byName.keySet().containsAll(List.of("prompt", "words", "temperature", "seed", "topK", "topP")),
                byName.keySet().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> words = (Map<String, Object>) byName.get("words").get("schema");
        assertEquals(1, ((Number) words.get("minimum")).intValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> temperature = (Map<String, Object>) byName.get("temperature").get("schema");
        assertEquals(1000, ((Number) temperature.get("maximum")).intValue());
        for (String type : List.of("multipart/form-data", "application/x-www-form-urlencoded")) {
            Map<String, Object> form = doc.getMap("paths.'/generate'.post.requestBody.content.'" + type
                    + "'.schema.properties");
            assertTrue(form.keySet().containsAll(List.of("prompt", "words", "topP")), type + ": " + form.keySet());
        }
        assertEquals(0, ((Number) doc.get("components.schemas.GenerateJsonRequest.properties.topP.exclusiveMinimum"))
                .intValue());
    }

    @Test
    void unknownRoutesAndMethodsAnswerJson() {
        given().get("/nothing-here").then().statusCode(404).contentType("application/problem+json").body("type", equalTo("urn:wordlm:problem:not-found"));
        given().delete("/generate").then().statusCode(405).contentType("application/problem+json");
        given().contentType(ContentType.XML).body("<a/>").post("/generate").then().statusCode(415)
                .contentType("application/problem+json");
    }

    /** The i-th real word of the model's vocabulary (not {@code <eos>}). */
    private static String word(int i) {
        return vocabulary.words().stream().filter(w -> !w.equals(Vocabulary.EOS)).toList().get(i);
    }

    private static void invalid(Response response, String field) {
        response.then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:wordlm:problem:invalid-request"))
                .body("errors.field", hasItem(field))
                .body(not(containsString("Exception")))
                .body(not(containsString("dev.wordlm")));
    }
}
