package dev.wordlm.trainer;

import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Who may do what: writes need the admin token (401 without one or with a wrong one, 403 with a user token), reads
 * and health are open by default, metrics need the admin token; every refusal is the JSON error body, and no token
 * ever reaches the log.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class SecurityTest {
    private static final String WRONG = "not-a-configured-token-4711";

    /** For the helpers of {@link Api}; each refused call below says its own credentials. */
    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    private static RequestSpecification anonymous() {
        return given().auth().none();
    }

    private static RequestSpecification bearer(String token) {
        return given().auth().oauth2(token);
    }

    private static long runs() {
        return anonymous().queryParam("size", 1).get("/api/runs").then().statusCode(200)
                .extract().jsonPath().getLong("total");
    }

    @Test
    void writesWithoutTheAdminTokenAreRefusedAndChangeNothing() {
        long before = runs();
        for (RequestSpecification caller : new RequestSpecification[] {anonymous(), bearer(WRONG)}) {
            caller.contentType(ContentType.JSON).body(Api.tinyRun(1)).post("/api/runs").then().statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("status", equalTo(401)).body("title", equalTo("Unauthorized"))
                    .body(not(WRONG));
        }
        bearer(TestTokens.USER).contentType(ContentType.JSON).body(Api.tinyRun(1)).post("/api/runs").then()
                .statusCode(403).contentType("application/problem+json")
                .body("status", equalTo(403)).body("detail", containsString("role"));
        assertEquals(before, runs(), "no run was created");
    }

    @Test
    void cancellingAndUploadingNeedTheAdminToken() {
        UUID run = Api.submit(Api.tinyRun(500));
        anonymous().post("/api/runs/" + run + "/cancel").then().statusCode(401).body("status", equalTo(401));
        bearer(TestTokens.USER).post("/api/runs/" + run + "/cancel").then().statusCode(403);
        assertFalse(Api.run(run).getBoolean("cancelRequested"), "the refused cancels did nothing");
        anonymous().multiPart("name", "sneaky").multiPart("train", "a b c\n").multiPart("valid", "a b\n")
                .multiPart("test", "a\n").post("/api/datasets").then().statusCode(401);
        bearer(TestTokens.USER).multiPart("name", "sneaky").multiPart("train", "a b c\n").multiPart("valid", "a b\n")
                .multiPart("test", "a\n").post("/api/datasets").then().statusCode(403);
        anonymous().get("/api/datasets/sneaky").then().statusCode(404);
        bearer(TestTokens.ADMIN).post("/api/runs/" + run + "/cancel").then().statusCode(202);
        Api.awaitStatus(run, "CANCELLED", Duration.ofSeconds(60));
    }

    @Test
    void readsAndHealthAreOpenMetricsNeedTheAdminToken() {
        anonymous().get("/api/runs").then().statusCode(200);
        anonymous().get("/api/checkpoints").then().statusCode(200);
        anonymous().get("/api/datasets").then().statusCode(200);
        anonymous().get("/q/health/live").then().statusCode(200);
        anonymous().get("/q/metrics").then().statusCode(401);
        bearer(TestTokens.USER).get("/q/metrics").then().statusCode(403);
        bearer(TestTokens.ADMIN).get("/q/metrics").then().statusCode(200).body(containsString("wordlm_runs"));
    }

    @Test
    void noTokenReachesTheLog() throws IOException {
        bearer(WRONG).contentType(ContentType.JSON).body(Api.tinyRun(1)).post("/api/runs").then().statusCode(401);
        bearer(TestTokens.USER).post("/api/runs/" + UUID.randomUUID() + "/cancel").then().statusCode(403);
        Path log = Path.of("target", "quarkus-test.log");
        String text = Files.readString(log);
        assertFalse(text.isEmpty(), "the test log is written to " + log);
        for (String token : new String[] {TestTokens.ADMIN, TestTokens.USER, WRONG}) {
            assertFalse(text.contains(token), "a token appears in " + log);
        }
    }

    private static org.hamcrest.Matcher<String> not(String text) {
        return org.hamcrest.Matchers.not(containsString(text));
    }
}
