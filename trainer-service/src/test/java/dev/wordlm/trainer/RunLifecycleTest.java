package dev.wordlm.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.events.Topics;
import dev.wordlm.testing.SseParser;
import dev.wordlm.trainer.run.EpochMetricRecord;
import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.BrokerControl;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.KafkaTopics;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.SseClient;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole run on the sample dataset, through the real broker and database: accepted, queued on Kafka, trained,
 * followed live over SSE, recorded (metrics, checkpoints), announced on every topic, its checkpoint downloadable
 * with the announced sha256; then a redelivered request for it does nothing. A request that names no run is
 * dead-lettered.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class RunLifecycleTest {

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    BrokerControl broker;

    @Test
    void aSmallRunCompletesAndIsRecordedAnnouncedAndDownloadable() throws Exception {
        // A long run holds this trainer (one run at a time), so the run under test waits QUEUED until its event
        // stream is open: a tiny run is over in a second, before a stream opened after the POST would see its batches.
        UUID blocker = Api.submit(Api.tinyRun(10_000));
        Api.awaitStatus(blocker, "RUNNING", Duration.ofSeconds(90));
        String location = given().contentType("application/json").body(Api.tinyRun(2))
                .when().post("/api/runs")
                .then().statusCode(202)
                .body("status", equalTo("QUEUED"))
                .body("config.emsize", equalTo(16))
                .body("config.lr", equalTo(20.0f))
                .body("config.decay", equalTo(4.0f))
                .body("config.cuda", equalTo(false))
                .extract().header("Location");
        UUID id = UUID.fromString(location.substring(location.lastIndexOf('/') + 1));
        assertTrue(URI.create(location).getPath().equals("/api/runs/" + id), location);
        CompletableFuture<SseParser.Event> first = new CompletableFuture<>();
        CompletableFuture<List<SseParser.Event>> stream = SseClient.open("/api/runs/" + id + "/events", first);
        assertEquals("QUEUED", KafkaTopics.json(first.get(30, TimeUnit.SECONDS).data()).get("status").asText());
        given().when().post("/api/runs/" + blocker + "/cancel").then().statusCode(202);
        long released = System.nanoTime();

        await().atMost(Duration.ofSeconds(90)).until(() -> Api.run(id).getInt("progress.epochsCompleted") >= 1);
        double firstEpochSeconds = (System.nanoTime() - released) / 1e9;
        JsonPath run = Api.awaitStatus(id, "COMPLETED", Duration.ofSeconds(90));
        System.out.printf("released from the queue to first epoch metric: %.1f s; to COMPLETED: %.1f s%n", firstEpochSeconds,
                (System.nanoTime() - released) / 1e9);

        assertEquals(2, run.getInt("progress.epochsCompleted"));
        assertEquals(1, run.getInt("attempts"));
        assertTrue(run.getDouble("testPerplexity") > 1, "test perplexity " + run.getDouble("testPerplexity"));
        assertTrue(run.getDouble("testPerplexity") < 39, "better than uniform over the 38 words");
        assertTrue(run.getDouble("bestValidPerplexity") <= run.getDouble("validPerplexity") + 1e-9);
        assertNotNull(run.getString("timings.finishedAt"));
        assertTrue(run.getDouble("timings.runningSeconds") > 0);

        // epoch metrics: API and database
        List<Map<String, Object>> metrics = given().when().get("/api/runs/" + id + "/metrics")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(List.of(1, 2), metrics.stream().map(m -> m.get("epoch")).toList());
        assertEquals(2L, QuarkusTransaction.requiringNew().call(
                () -> EpochMetricRecord.count("key.runId", id)));

        // the live stream: the run as it was when the stream opened, then logs, batches, every epoch after that
        // snapshot, and the final status; then it ends
        List<SseParser.Event> events = stream.get(30, TimeUnit.SECONDS);
        List<String> names = events.stream().map(SseParser.Event::name).toList();
        assertEquals("run", names.get(0), names.toString());
        int epochsBefore = KafkaTopics.json(events.get(0).data()).get("progress").get("epochsCompleted").asInt();
        List<Integer> streamedEpochs = events.stream().filter(e -> e.name().equals("epoch"))
                .map(e -> KafkaTopics.json(e.data()).get("epoch").asInt()).toList();
        assertEquals(IntStream.rangeClosed(epochsBefore + 1, 2).boxed().toList(), streamedEpochs,
                names.toString());
        assertTrue(names.contains("batch") && names.contains("log"), names.toString());
        SseParser.Event last = events.get(events.size() - 1);
        assertEquals("status", last.name());
        assertEquals("COMPLETED", KafkaTopics.json(last.data()).get("status").asText());

        // events on Kafka, keyed by run id
        KafkaTopics kafka = new KafkaTopics(broker);
        List<JsonNode> epochs = kafka.json(Topics.EPOCH_METRICS, id.toString());
        assertEquals(2, epochs.size());
        assertEquals(1, epochs.get(0).get("schemaVersion").asInt());
        assertEquals(id.toString(), epochs.get(1).get("runId").asText());
        assertEquals(2, epochs.get(1).get("epoch").asInt());
        List<String> statuses = kafka.json(Topics.RUN_STATUS, id.toString()).stream()
                .map(n -> n.get("status").asText()).toList();
        assertEquals(List.of("QUEUED", "RUNNING", "COMPLETED"), statuses);
        assertEquals(1, kafka.values(Topics.TRAINING_REQUESTS, id.toString()).size());
        List<JsonNode> checkpoints = kafka.json(Topics.CHECKPOINTS, id.toString());
        assertFalse(checkpoints.isEmpty());

        // the newest best checkpoint: metadata and file agree with the event
        JsonNode ready = checkpoints.get(checkpoints.size() - 1);
        String checkpointId = ready.get("checkpointId").asText();
        String url = ready.get("downloadUrl").asText();
        assertTrue(url.endsWith("/api/checkpoints/" + checkpointId + "/content"), url);
        assertEquals(16, ready.get("model").get("emsize").asInt());
        given().when().get("/api/checkpoints/" + checkpointId).then().statusCode(200)
                .body("runId", equalTo(id.toString()))
                .body("sha256", equalTo(ready.get("sha256").asText()))
                .body("downloadUrl", equalTo(url));
        byte[] file = given().when().get(URI.create(url).getPath()).then().statusCode(200)
                .header("ETag", containsString(ready.get("sha256").asText()))
                .extract().asByteArray();
        assertEquals(ready.get("sizeBytes").asLong(), file.length);
        assertEquals(ready.get("sha256").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(file)));
        assertEquals(ready.get("epoch").asInt(), Checkpoint.load("downloaded", file).info().epoch());
        // HTTP semantics of the download: one range is a 206 of those bytes, a matching ETag a 304
        String content = URI.create(url).getPath();
        byte[] part = given().header("Range", "bytes=10-19").when().get(content).then().statusCode(206)
                .header("Content-Range", equalTo("bytes 10-19/" + file.length)).extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(file, 10, 20), part);
        byte[] tail = given().header("Range", "bytes=-5").when().get(content).then().statusCode(206)
                .extract().asByteArray();
        assertArrayEquals(java.util.Arrays.copyOfRange(file, file.length - 5, file.length), tail);
        given().header("Range", "bytes=" + file.length + "-").when().get(content).then().statusCode(416)
                .header("Content-Range", equalTo("bytes */" + file.length)).contentType("application/problem+json");
        given().header("Range", "bytes=0-1,5-6").when().get(content).then().statusCode(200)
                .header("Content-Range", org.hamcrest.Matchers.nullValue());
        given().header("If-None-Match", "\"" + ready.get("sha256").asText() + "\"").when().get(content).then()
                .statusCode(304);
        given().header("If-None-Match", "\"other\"").when().get(content).then().statusCode(200);
        // retention (wordlm.retention.checkpoints-per-run=1) kept the newest of those announced
        assertEquals(1, run.getList("checkpoints").size(), run.prettify());
        assertEquals(checkpointId, run.getString("checkpoints[0].id"));

        // the list the generator reads at start-up: newest first, or best (lowest validation perplexity) first
        given().when().get("/api/checkpoints?selection=newest&limit=1&runId=" + id).then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].id", equalTo(checkpointId));
        List<Float> best = given().when().get("/api/checkpoints?selection=best&runId=" + id).then().statusCode(200)
                .extract().jsonPath().getList("validPerplexity", Float.class);
        assertEquals(1, best.size(), "only the newest is kept: " + best);
        for (int i = 1; i < best.size(); i++) {
            assertTrue(best.get(i - 1) <= best.get(i), "best first: " + best);
        }
        given().when().get("/api/checkpoints?selection=latest").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("selection"));
        given().when().get("/api/checkpoints?limit=0").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("limit"));

        // a redelivered request for the finished run changes nothing
        String finishedAt = run.getString("timings.finishedAt");
        RecordMetadata again = kafka.produce(Topics.TRAINING_REQUESTS, id.toString(),
                kafka.values(Topics.TRAINING_REQUESTS, id.toString()).get(0));
        kafka.awaitConsumed(again, Duration.ofSeconds(30));
        JsonPath after = Api.run(id);
        assertEquals("COMPLETED", after.getString("status"));
        assertEquals(1, after.getInt("attempts"));
        assertEquals(finishedAt, after.getString("timings.finishedAt"));
        assertEquals(3, kafka.values(Topics.RUN_STATUS, id.toString()).size());
        assertEquals(2, kafka.values(Topics.EPOCH_METRICS, id.toString()).size());

        // listing by status
        given().queryParam("status", "COMPLETED").when().get("/api/runs").then().statusCode(200)
                .body("items.id", hasItem(id.toString()));
        given().queryParam("status", "queued").when().get("/api/runs").then().statusCode(200)
                .body("items.id", not(hasItem(id.toString())));
    }

    /** {@code dryRun}: the run completes after one batch of each, with perplexities and no checkpoint to announce. */
    @Test
    void aDryRunCompletesWithoutACheckpoint() {
        Map<String, Object> body = Api.tinyRun(50);
        body.put("dryRun", true);
        UUID id = Api.submit(body);
        JsonPath run = Api.awaitStatus(id, "COMPLETED", Duration.ofSeconds(120));
        assertTrue(run.getBoolean("config.dryRun"));
        assertEquals(1, run.getInt("progress.epochsCompleted"));
        assertTrue(run.getDouble("testPerplexity") > 1, "test perplexity " + run.getDouble("testPerplexity"));
        List<Object> checkpoints = given().queryParam("runId", id.toString()).when().get("/api/checkpoints")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertTrue(checkpoints.isEmpty(), checkpoints.toString());
    }

    /** {@code useOptimizer}: the run trains with AdamW and says so in its configuration. */
    @Test
    void aRunWithUseOptimizerTrainsWithAdamW() {
        Map<String, Object> body = Api.tinyRun(1);
        body.put("useOptimizer", true);
        body.put("lr", 0.002);
        UUID id = Api.submit(body);
        JsonPath run = Api.awaitStatus(id, "COMPLETED", Duration.ofSeconds(180));
        assertTrue(run.getBoolean("config.useOptimizer"));
        assertEquals(0.002, run.getDouble("config.lr"), 0.0);
        assertTrue(run.getDouble("testPerplexity") > 1, "test perplexity " + run.getDouble("testPerplexity"));
    }

    /** A record that names no run is set aside on the dead-letter topic, with its reason; the queue goes on. */
    @Test
    void aRequestThatNamesNoRunIsDeadLetteredAndTheQueueGoesOn() {
        KafkaTopics topics = new KafkaTopics(broker);
        String key = "not-a-run-" + UUID.randomUUID();
        RecordMetadata poison = topics.produce(Topics.TRAINING_REQUESTS, key, "\u0000 not json {");
        topics.awaitConsumed(poison, Duration.ofSeconds(60));
        List<ConsumerRecord<String, String>> dead = topics.records(Topics.TRAINING_REQUESTS_DEAD_LETTERS, key);
        assertEquals(1, dead.size(), "one dead letter: " + dead);
        assertEquals("\u0000 not json {", dead.get(0).value(), "the record as it came");
        assertEquals(Topics.TRAINING_REQUESTS, header(dead.get(0), "dead-letter-topic"));
        assertEquals(String.valueOf(poison.partition()), header(dead.get(0), "dead-letter-partition"));
        assertEquals(String.valueOf(poison.offset()), header(dead.get(0), "dead-letter-offset"));
        assertTrue(header(dead.get(0), "dead-letter-reason").startsWith("names no run"), header(dead.get(0), "dead-letter-reason"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern("(?s).*wordlm_dead_letters_total\\{topic=\"training-requests\"} [1-9].*"));

        Map<String, Object> body = Api.tinyRun(50);
        body.put("dryRun", true);
        Api.awaitStatus(Api.submit(body), "COMPLETED", Duration.ofSeconds(120));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertNotNull(h, "header " + name + " of " + record);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void healthAndMetricsAreExposed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(containsString("Database connections health check"))
                .body(containsString("Kafka cluster"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("wordlm_runs{status=\"COMPLETED\"}"))
                .body(containsString("wordlm_training_tokens_per_second"))
                .body(containsString("wordlm_outbox_pending")));
    }
}
