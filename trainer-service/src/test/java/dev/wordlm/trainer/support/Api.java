package dev.wordlm.trainer.support;

import dev.wordlm.events.RunStatus;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** REST calls the tests share. */
public final class Api {
    private Api() {
    }

    /** A tiny model on the built-in sample: a couple of seconds per run on two cores. */
    public static Map<String, Object> tinyRun(int epochs) {
        Map<String, Object> body = new HashMap<>();
        body.put("dataset", "sample");
        body.put("model", "LSTM");
        body.put("emsize", 16);
        body.put("nhid", 16);
        body.put("nlayers", 1);
        body.put("epochs", epochs);
        body.put("batchSize", 20);
        body.put("bptt", 20);
        body.put("dropout", 0.0);
        body.put("logInterval", 20);
        return body;
    }

    /** POST /api/runs, expecting 202; returns the run id. */
    public static UUID submit(Map<String, Object> body) {
        String id = given().contentType(ContentType.JSON).body(body)
                .when().post("/api/runs")
                .then().statusCode(202)
                .extract().path("id");
        return UUID.fromString(id);
    }

    /** A dataset upload of {@code dir}'s train.txt, valid.txt and test.txt, ready to POST to /api/datasets. */
    public static RequestSpecification upload(String name, Path dir) {
        return given().multiPart("name", name)
                .multiPart("train", dir.resolve("train.txt").toFile(), "text/plain")
                .multiPart("valid", dir.resolve("valid.txt").toFile(), "text/plain")
                .multiPart("test", dir.resolve("test.txt").toFile(), "text/plain")
                .when();
    }

    public static JsonPath run(UUID id) {
        return given().when().get("/api/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    /**
     * Waits until the run is in {@code status}; fails at once, with the run's JSON, when it ends in another status,
     * and with it after {@code timeout}.
     */
    public static JsonPath awaitStatus(UUID id, String status, Duration timeout) {
        AtomicReference<JsonPath> last = new AtomicReference<>();
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonPath run = run(id);
                last.set(run);
                String now = run.getString("status");
                if (!status.equals(now) && RunStatus.valueOf(now).isTerminal()) {
                    // Thrown out of the wait at once: it will not reach the status.
                    throw new AssertionError("run " + id + " ended " + now + ", not " + status + ": " + run.prettify());
                }
                return run;
            }, run -> status.equals(run.getString("status")));
        } catch (ConditionTimeoutException e) {
            JsonPath run = last.get();
            throw new AssertionError("run " + id + " not " + status + " after " + timeout + ": "
                    + (run == null ? "never read" : run.prettify()), e);
        }
    }
}
