package dev.wordlm.generator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wordlm.generator.support.Api;
import dev.wordlm.generator.support.FakeTrainer;
import dev.wordlm.generator.support.TestTokens;
import dev.wordlm.generator.support.WarmProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who may do what: generation and scoring need a user (or admin) token, pinning needs the admin token, reads and
 * health are open by default and metrics need the admin token; refusals are 401 or 403 with the JSON error body; the
 * generator authenticates to the trainer; no token ever reaches the log.
 */
@QuarkusTest
@TestProfile(WarmProfile.class)
class SecurityTest {
    private static final String WRONG = "not-a-configured-token-4711";

    private static RequestSpecification anonymous() {
        return given().auth().none();
    }

    private static RequestSpecification bearer(String token) {
        return given().auth().oauth2(token);
    }

    @Test
    void generationAndScoringNeedAUserToken() {
        for (RequestSpecification caller : new RequestSpecification[] {anonymous(), bearer(WRONG)}) {
            caller.multiPart("words", "5").post("/generate").then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("type", equalTo("urn:wordlm:problem:unauthorized"))
                    .body(not(containsString(WRONG)));
        }
        anonymous().get("/generate/stream?words=3").then().statusCode(401).body("type", equalTo("urn:wordlm:problem:unauthorized"));
        anonymous().contentType(ContentType.JSON).body(Map.of("text", "a b c")).post("/api/score").then()
                .statusCode(401);
        bearer(TestTokens.USER).multiPart("words", "5").post("/generate").then().statusCode(200);
        bearer(TestTokens.USER).contentType(ContentType.JSON).body(Map.of("words", 3)).post("/generate").then()
                .statusCode(200);
    }

    @Test
    void pinningNeedsTheAdminToken() {
        String served = Api.servedCheckpoint();
        anonymous().contentType(ContentType.JSON).body(Map.of("selection", "best")).put("/api/model").then()
                .statusCode(401).body("type", equalTo("urn:wordlm:problem:unauthorized"));
        bearer(TestTokens.USER).contentType(ContentType.JSON).body(Map.of("selection", "best")).put("/api/model")
                .then().statusCode(403).contentType("application/problem+json").body("type", equalTo("urn:wordlm:problem:forbidden"));
        anonymous().get("/api/model").then().statusCode(200)
                .body("selection", equalTo("newest")).body("model.checkpointId", equalTo(served));
    }

    @Test
    void healthIsOpenMetricsNeedTheAdminToken() {
        anonymous().get("/q/health/live").then().statusCode(200);
        anonymous().get("/q/metrics").then().statusCode(401);
        bearer(TestTokens.USER).get("/q/metrics").then().statusCode(403);
        bearer(TestTokens.ADMIN).get("/q/metrics").then().statusCode(200)
                .body(containsString("wordlm_checkpoints_rejected_total"));
    }

    @Test
    void theGeneratorSendsItsTokenToTheTrainer() {
        FakeTrainer trainer = FakeTrainer.instance();
        assertFalse(trainer.requests().isEmpty(), "the generator asked the trainer at start-up");
        assertEquals(0, trainer.unauthorized(), "every request to the trainer carried the generator's token");
    }

    @Test
    void noTokenReachesTheLog() throws IOException {
        bearer(WRONG).multiPart("words", "5").post("/generate").then().statusCode(401);
        bearer(TestTokens.USER).contentType(ContentType.JSON).body(Map.of("selection", "best")).put("/api/model")
                .then().statusCode(403);
        Path log = Path.of("target", "quarkus-test.log");
        String text = Files.readString(log);
        assertFalse(text.isEmpty(), "the test log is written to " + log);
        for (String token : new String[] {TestTokens.ADMIN, TestTokens.USER, TestTokens.GENERATOR, WRONG}) {
            assertFalse(text.contains(token), "a token appears in " + log);
        }
    }
}
