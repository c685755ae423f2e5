package dev.wordlm.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL stopped while a run trains (a private embedded server: the shared one is never stopped): the trainer
 * answers 503 with Retry-After and a problem body meanwhile, its readiness is down, and once the database is back it
 * answers again without a restart and the run completes with every epoch's metric.
 */
class DatabaseOutageIT {
    private static final String TRAINER = "http://127.0.0.1:" + Stack.TRAINER_PORT;
    private static final int EPOCHS = 4;

    @RegisterExtension
    static final Stack stack = Stack.withPrivatePostgres();

    @Test
    void aLostDatabaseIsA503AndTheRunStillRecordsEveryEpoch() throws Exception {
        String run = SystemIT.postRun("{\"name\":\"outage\",\"dataset\":\"sample\",\"epochs\":" + EPOCHS
                + ",\"emsize\":16,\"nhid\":16,\"nlayers\":1,\"logInterval\":50}");
        SystemIT.awaitEpochMetrics(run, 1, Duration.ofMinutes(3));

        stack.stopPostgres();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        AtomicBoolean readinessDown = new AtomicBoolean();
        long stopped = System.nanoTime();
        // For a while every request is a 503 problem (an assertion failing inside ends the wait at once). One round
        // takes seconds, as each request tries the database first: about 15 s in all.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    for (Http.Reply r : new Http.Reply[] {Http.get(TRAINER + "/api/runs"),
                            Http.get(TRAINER + "/api/runs/" + run),
                            Http.postJson(TRAINER + "/api/runs", "{\"dataset\":\"sample\",\"epochs\":1}")}) {
                        requests.incrementAndGet();
                        assertEquals(503, r.status(), r.body());
                        assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After");
                        assertEquals("urn:wordlm:problem:dependency-unavailable", r.json().get("type").asText(),
                                r.body());
                        unavailable.incrementAndGet();
                    }
                    readinessDown.compareAndSet(false, Http.get(TRAINER + "/q/health/ready").status() == 503);
                    return true;
                });
        assertTrue(readinessDown.get(), "readiness went down");
        double outage = (System.nanoTime() - stopped) / 1e9;
        stack.startPostgres();
        long back = System.nanoTime();

        AtomicReference<Http.Reply> reply = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                reply.set(Http.get(TRAINER + "/api/runs/" + run));
                return reply.get().status() == 200;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the trainer answers again without a restart: " + reply.get().body(), e);
        }
        double recovery = (System.nanoTime() - back) / 1e9;

        JsonNode done = SystemIT.awaitStatus(run, "COMPLETED", Duration.ofMinutes(4));
        JsonNode metrics = Http.get(TRAINER + "/api/runs/" + run + "/metrics").json();
        assertEquals(EPOCHS, metrics.size(), "every epoch recorded: " + metrics);
        for (int i = 0; i < EPOCHS; i++) {
            assertEquals(i + 1, metrics.get(i).get("epoch").asInt(), metrics.toString());
        }
        System.out.printf("faults: DatabaseOutageIT ok, database down %.0f s: %d requests all 503 with Retry-After, "
                        + "readiness down, answering again %.1f s after the restart, the run %s with %d of %d epochs%n",
                outage, requests.get(), recovery, done.get("status").asText(), metrics.size(), EPOCHS);
        assertEquals(requests.get(), unavailable.get());
    }
}
