package dev.wordlm.trainer;

import dev.wordlm.trainer.outbox.OutboxMessage;
import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.BrokerControl;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The transactional outbox: a run accepted while Kafka is down is not lost. Its request waits in the database and
 * reaches Kafka once the broker is back, and the run trains. The broker is shared: the test ends only once the
 * service is ready again, so the test classes may run in any order.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class OutboxTest {

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    BrokerControl broker;

    @Test
    void aRunAcceptedWhileKafkaIsDownStillTrains() {
        broker.stop();
        UUID id;
        try {
            id = Api.submit(Api.tinyRun(1));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertEquals("QUEUED", Api.run(id).getString("status"));
                assertEquals(2, pendingEvents(id), "its training request and QUEUED status wait in the outbox");
            });
            given().when().get("/q/health/ready").then().statusCode(503);
        } finally {
            broker.start();
        }
        Api.awaitStatus(id, "COMPLETED", Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingEvents(id) == 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
        assertEquals(6L, QuarkusTransaction.requiringNew().call(() -> OutboxMessage.count("key", id.toString())),
                "request, QUEUED, RUNNING, epoch metric, checkpoint, COMPLETED");
    }

    private static long pendingEvents(UUID runId) {
        return QuarkusTransaction.requiringNew().call(
                () -> OutboxMessage.count("key = ?1 and publishedAt is null", runId.toString()));
    }
}
