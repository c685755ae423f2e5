package dev.wordlm.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (Http.get(TRAINER + "/api/runs/" + run + "/metrics").json().size() == 0) {
            assertTrue(System.nanoTime() < deadline, "no epoch metric after 3 minutes: " + SystemIT.run(run));
            Thread.sleep(200);
        }

        stack.stopPostgres();
        long stopped = System.nanoTime();
        int unavailable = 0;
        int requests = 0;
        boolean readinessDown = false;
        while (System.nanoTime() - stopped < Duration.ofSeconds(15).toNanos()) {
            for (Http.Reply r : new Http.Reply[] {Http.get(TRAINER + "/api/runs"), Http.get(TRAINER + "/api/runs/" + run),
                    Http.postJson(TRAINER + "/api/runs", "{\"dataset\":\"sample\",\"epochs\":1}")}) {
                requests++;
                assertEquals(503, r.status(), r.body());
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), "Retry-After");
                assertEquals("urn:wordlm:problem:dependency-unavailable", r.json().get("type").asText(), r.body());
                unavailable++;
            }
            readinessDown |= Http.get(TRAINER + "/q/health/ready").status() == 503;
            Thread.sleep(500);
        }
        assertTrue(readinessDown, "readiness went down");
        stack.startPostgres();
        long back = System.nanoTime();

        long recoverDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Http.Reply reply = Http.get(TRAINER + "/api/runs/" + run);
        while (reply.status() != 200 && System.nanoTime() < recoverDeadline) {
            Thread.sleep(250);
            reply = Http.get(TRAINER + "/api/runs/" + run);
        }
        assertEquals(200, reply.status(), "the trainer answers again without a restart: " + reply.body());
        double recovery = (System.nanoTime() - back) / 1e9;

        JsonNode done = SystemIT.awaitStatus(run, "COMPLETED", Duration.ofMinutes(4));
        JsonNode metrics = Http.get(TRAINER + "/api/runs/" + run + "/metrics").json();
        assertEquals(EPOCHS, metrics.size(), "every epoch recorded: " + metrics);
        for (int i = 0; i < EPOCHS; i++) {
            assertEquals(i + 1, metrics.get(i).get("epoch").asInt(), metrics.toString());
        }
        System.out.printf("faults: DatabaseOutageIT ok, database down 15 s: %d requests all 503 with Retry-After, "
                        + "readiness down, answering again %.1f s after the restart, the run %s with %d of %d epochs%n",
                requests, recovery, done.get("status").asText(), metrics.size(), EPOCHS);
        assertEquals(requests, unavailable);
    }
}
