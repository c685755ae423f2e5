package dev.wordlm.trainer;

import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run that cannot train ends FAILED with the reason, and the trainer goes on with the next run. */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class FailureTest {

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    @Test
    void aDivergingRunFailsWithTheTrainersMessage() {
        Map<String, Object> body = Api.tinyRun(1);
        body.put("model", "RNN_RELU");
        // the largest values accepted (TrainOptions' bounds): a ReLU network at these diverges within a few batches
        body.put("lr", 1000);
        body.put("clip", 1000);
        UUID id = Api.submit(body);
        JsonPath run = Api.awaitStatus(id, "FAILED", Duration.ofSeconds(90));
        assertTrue(run.getString("error").contains("training diverged"), run.getString("error"));
        assertNotNull(run.getString("timings.finishedAt"));

        UUID next = Api.submit(Api.tinyRun(1));
        Api.awaitStatus(next, "COMPLETED", Duration.ofSeconds(90));
    }
}
