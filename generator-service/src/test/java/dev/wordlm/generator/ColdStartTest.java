package dev.wordlm.generator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.generator.support.ColdProfile;
import dev.wordlm.generator.support.FakeTrainer;
import dev.wordlm.generator.support.TestCheckpoints;
import dev.wordlm.generator.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up with the trainer down: not ready and 503 for generation until the background retries find a checkpoint;
 * then, with a queue of one request, a second request is refused while one runs.
 */
@QuarkusTest
@TestProfile(ColdProfile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ColdStartTest {
    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    @Order(1)
    void withoutAModelGenerationIs503AndTheServiceIsNotReady() {
        given().multiPart("words", "10").post("/generate").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue()).body("type", equalTo("urn:wordlm:problem:no-model"));
        given().contentType(ContentType.JSON).body(Map.of("words", 10)).post("/generate").then().statusCode(503)
                .body("type", equalTo("urn:wordlm:problem:no-model"));
        given().get("/generate/stream?words=10").then().statusCode(503).contentType("application/problem+json")
                .body("type", equalTo("urn:wordlm:problem:no-model"));
        given().contentType(ContentType.JSON).body(Map.of("text", "a b")).post("/api/score").then().statusCode(503)
                .body("type", equalTo("urn:wordlm:problem:no-model"));
        // Input is still checked first: a bad request is a 400 whether or not a model is loaded.
        given().multiPart("words", "0").post("/generate").then().statusCode(400);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("wordlm_generation_rejected_total{reason=\"no_model\"} 4.0"),
                "the three generations and the scoring refused for want of a model are counted: " + metrics.lines()
                        .filter(l -> l.startsWith("wordlm_generation_rejected_total")).toList());

        given().get("/api/model").then().statusCode(200).body("loaded", equalTo(false));
        given().get("/q/health/ready").then().statusCode(503).body(containsString("no checkpoint loaded yet"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    @Order(2)
    void theTrainerIsAskedAgainInTheBackgroundUntilACheckpointServes(@TempDir Path dir) throws Exception {
        FakeTrainer trainer = FakeTrainer.instance();
        trainer.setAvailable(true);
        // Reachable but empty: still nothing to serve.
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> given().get("/api/model").then().body("loaded", equalTo(false)));

        // A checkpoint appears on the trainer (no event): the retry loop finds it.
        FakeTrainer.CheckpointRecord record = trainer.publish(UUID.randomUUID(), 1, 50.0,
                TestCheckpoints.untrained(dir, 3));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/api/model").then().body("model.checkpointId", equalTo(record.id().toString()));
        given().multiPart("words", "10").post("/generate").then().statusCode(200)
                .header("X-Model-Checkpoint", record.id().toString());
    }

    @Test
    @Order(3)
    void aFullQueueAnswers503WithRetryAfterUntilARequestEnds() throws Exception {
        // The only place in the queue: a stream far longer than this test, read one event and then left unread.
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
                base.resolve("/generate/stream?words=" + ColdProfile.MAX_WORDS))
                        .header("Authorization", TestTokens.adminHeader()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        InputStream body = stream.body();
        String first = new String(body.readNBytes(64), StandardCharsets.UTF_8);
        assertTrue(first.startsWith("event:model"), first);

        given().multiPart("words", "5").post("/generate").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "1").body("type", equalTo("urn:wordlm:problem:overloaded"));
        given().get("/generate/stream?words=5").then().statusCode(503).body("type", equalTo("urn:wordlm:problem:overloaded"));
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertTrue(metrics.contains("wordlm_generation_rejected_total{reason=\"overloaded\"}"), "counted");

        // The client goes away: the stream stops, its place frees, and requests are served again.
        body.close();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().multiPart("words", "5").post("/generate").statusCode() == 200);
        given().get("/q/metrics").then().body(containsString("wordlm_generation_latency_seconds_count{api=\"stream\",outcome=\"cancelled\""));
    }
}
