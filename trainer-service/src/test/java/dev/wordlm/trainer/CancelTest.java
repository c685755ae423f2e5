package dev.wordlm.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wordlm.events.Topics;
import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.BrokerControl;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.KafkaTopics;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancel: a running run stops after its current batch and its best model is tested (like Ctrl-C in the reference);
 * a queued run is cancelled at once and skipped when its request arrives; an ended run cannot be cancelled.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class CancelTest {

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    BrokerControl broker;

    @Test
    void cancellingRunningAndQueuedRuns() throws Exception {
        UUID running = Api.submit(Api.tinyRun(10_000));
        await().atMost(Duration.ofSeconds(90))
                .until(() -> Api.run(running).getInt("progress.epochsCompleted") >= 1);

        // This trainer takes one run at a time: the next one waits in Kafka, QUEUED.
        UUID queued = Api.submit(Api.tinyRun(1));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> Api.run(queued).getString("status"), equalTo("QUEUED"));
        given().when().post("/api/runs/" + queued + "/cancel").then().statusCode(202)
                .body("status", equalTo("CANCELLED"));

        // Stops after the current batch, then tests the best model: usually still RUNNING when the call returns.
        given().when().post("/api/runs/" + running + "/cancel").then().statusCode(202)
                .body("status", anyOf(equalTo("RUNNING"), equalTo("CANCELLED")))
                .body("cancelRequested", equalTo(true));
        JsonPath cancelled = Api.awaitStatus(running, "CANCELLED", Duration.ofSeconds(60));
        int epochs = cancelled.getInt("progress.epochsCompleted");
        assertTrue(epochs >= 1 && epochs < 10_000, "epochs " + epochs);
        assertNotNull(cancelled.get("testPerplexity"), "the best model is evaluated on test");
        assertNull(cancelled.get("error"));

        KafkaTopics kafka = new KafkaTopics(broker);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.values(Topics.RUN_STATUS, running.toString()).size() == 3);
        JsonNode last = kafka.json(Topics.RUN_STATUS, running.toString()).get(2);
        assertEquals("CANCELLED", last.get("status").asText());
        assertTrue(last.get("message").asText().contains("test ppl"), last.toString());

        // The queued run's request reaches the now idle trainer, which skips it.
        List<String> requests = kafka.values(Topics.TRAINING_REQUESTS, queued.toString());
        assertEquals(1, requests.size());
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.lag(Topics.TRAINING_REQUESTS) == 0);
        JsonPath skipped = Api.run(queued);
        assertEquals("CANCELLED", skipped.getString("status"));
        assertNull(skipped.get("timings.startedAt"));
        assertEquals(0, skipped.getInt("attempts"));
        assertEquals(List.of("QUEUED", "CANCELLED"), kafka.json(Topics.RUN_STATUS, queued.toString()).stream()
                .map(n -> n.get("status").asText()).toList());

        // An ended run cannot be cancelled.
        given().when().post("/api/runs/" + running + "/cancel").then().statusCode(409)
                .body("status", equalTo(409))
                .body("detail", containsString("already CANCELLED"));
    }
}
