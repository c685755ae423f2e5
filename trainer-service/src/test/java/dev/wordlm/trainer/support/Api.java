package dev.wordlm.trainer.support;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

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

    public static JsonPath run(UUID id) {
        return given().when().get("/api/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    public static JsonPath awaitStatus(UUID id, String status, Duration timeout) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = run(id);
            return status.equals(last[0].getString("status"));
        });
        return last[0];
    }
}
