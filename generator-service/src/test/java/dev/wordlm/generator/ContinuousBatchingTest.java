package dev.wordlm.generator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.generator.support.FakeTrainerResource;
import dev.wordlm.generator.support.SseClient;
import dev.wordlm.generator.support.TestTokens;
import dev.wordlm.generator.support.WarmProfile;
import dev.wordlm.testing.SseParser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams running at the same time share batched steps, and a seeded request gives the same words whatever it shares
 * them with: each one alone, then all at once (half of them joining while the others run), over both APIs.
 */
@QuarkusTest
@TestProfile(WarmProfile.class)
class ContinuousBatchingTest {
    private static final int REQUESTS = 8;

    @TestHTTPResource("/")
    URI base;

    /** Other test classes swap models; these tests run on the trained checkpoint of the initial run. */
    @BeforeEach
    void servesTheInitialRun() {
        TestTokens.asAdmin();
        given().contentType(ContentType.JSON).body(Map.of("runId", FakeTrainerResource.INITIAL_RUN.toString()))
                .put("/api/model").then().statusCode(200).body("model.runId", equalTo(FakeTrainerResource.INITIAL_RUN.toString()));
    }

    @Test
    void seededRequestsGiveTheSameWordsAloneAndBatched() throws Exception {
        List<List<String>> alone = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            alone.add(json(i));
        }
        double stepsBefore = metric("wordlm_generation_batch_size_count");
        double streamsBefore = metric("wordlm_generation_batch_size_sum");

        ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
        try {
            List<Future<List<String>>> together = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int request = i;
                if (i == REQUESTS / 2) {
                    Thread.sleep(50); // the second half joins streams already running
                }
                together.add(clients.submit(() -> request % 2 == 0 ? json(request) : stream(request)));
            }
            for (int i = 0; i < REQUESTS; i++) {
                assertEquals(alone.get(i), together.get(i).get(2, TimeUnit.MINUTES), "request " + i);
            }
        } finally {
            clients.shutdownNow();
        }
        double steps = metric("wordlm_generation_batch_size_count") - stepsBefore;
        double streams = metric("wordlm_generation_batch_size_sum") - streamsBefore;
        assertEquals(words(0, REQUESTS), streams, 0.5, "one word per stream and step");
        // how many share a step hangs on timing; that several do, and that each still gets its own words, does not
        assertTrue(metric("wordlm_generation_batch_size_max") >= 2, "streams per step: " + streams / steps);
        System.out.printf("[measure] %d concurrent requests: %.2f streams per batched step on average%n", REQUESTS,
                streams / steps);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("wordlm_generation_step_seconds_count", "wordlm_generation_first_word_seconds_bucket",
                "wordlm_generation_inter_word_seconds_bucket", "wordlm_generation_batch_size_bucket")) {
            assertTrue(metrics.contains(name), name);
        }
    }

    private static int words(int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += request(i).get("words") instanceof Integer n ? n : 0;
        }
        return sum;
    }

    /** Request i: its own seed, length, temperature and top-k / top-p. */
    private static Map<String, Object> request(int i) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("words", 600 + 100 * i);
        r.put("seed", 100 + i);
        r.put("temperature", 0.6 + 0.1 * i);
        r.put("topK", i % 3 == 0 ? 0 : 4 + i);
        r.put("topP", i % 4 == 1 ? 0.9 : 1.0);
        return r;
    }

    private static List<String> json(int i) {
        return given().contentType(ContentType.JSON).body(request(i)).post("/generate")
                .then().statusCode(200).extract().jsonPath().getList("words", String.class);
    }

    private List<String> stream(int i) {
        StringBuilder query = new StringBuilder("/generate/stream?");
        request(i).forEach((k, v) -> query.append(k).append('=').append(v).append('&'));
        SseClient.Result r = SseClient.read(base.resolve(query.toString()), e -> { });
        assertEquals(200, r.status());
        return r.named("word").stream().map(SseParser.Event::data).toList();
    }

    private static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
