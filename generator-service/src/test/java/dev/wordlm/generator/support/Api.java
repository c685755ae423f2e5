package dev.wordlm.generator.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;

/** Small helpers over the generator's own API. */
public final class Api {
    private Api() {
    }

    public static String servedCheckpoint() {
        return given().get("/api/model").then().statusCode(200).extract().path("model.checkpointId");
    }

    public static Response choose(Map<String, ?> choice) {
        return given().contentType(ContentType.JSON).body(choice).put("/api/model");
    }

    /** Waits until the given checkpoint serves; returns how long that took, in milliseconds. */
    public static double awaitServed(UUID checkpointId, long sinceNanos) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> checkpointId.toString().equals(servedCheckpoint()));
        return (System.nanoTime() - sinceNanos) / 1e6;
    }

    /** Waits until the replica has handled the event of a checkpoint; returns the outcome (swapped, ignored, ...). */
    public static String awaitHandled(UUID checkpointId) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> checkpointId.toString().equals(
                        given().get("/api/model").then().extract().path("lastEvent.checkpointId")));
        return given().get("/api/model").then().extract().path("lastEvent.outcome");
    }

    /** Waits until the given checkpoint is the last one rejected; returns the rejection's reason. */
    public static String awaitRejected(UUID checkpointId) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> checkpointId.toString().equals(
                        given().get("/api/model").then().extract().path("lastRejection.checkpointId")));
        return given().get("/api/model").then().extract().path("lastRejection.reason");
    }
}
