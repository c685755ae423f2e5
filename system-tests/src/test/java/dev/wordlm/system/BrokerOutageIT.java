package dev.wordlm.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka broker stopped while a run trains: both services keep answering (a run posted meanwhile is accepted,
 * the generator keeps generating with the model it has), the training run goes on, and once the broker is back
 * every event written meanwhile is delivered: the run posted during the outage trains, and the generator serves the
 * newest checkpoint of the run that trained through it. Nothing waits for a restart.
 */
class BrokerOutageIT {
    private static final String TRAINER = SystemIT.TRAINER;
    private static final String GENERATOR = SystemIT.GENERATOR;
    private static final int EPOCHS = 40;
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @RegisterExtension
    static final Stack stack = new Stack();

    @Test
    void aStoppedBrokerLosesNoRunNoMetricAndNoCheckpoint() throws Exception {
        String run = SystemIT.postRun("{\"name\":\"through-the-outage\",\"dataset\":\"sample\",\"epochs\":" + EPOCHS
                + ",\"emsize\":16,\"nhid\":16,\"nlayers\":1,\"logInterval\":50}");
        SystemIT.awaitServed("runId", run, Duration.ofMinutes(3)); // its first checkpoint came through the broker

        stack.stopKafka();
        long stopped = System.nanoTime();
        int answered = 0;
        int generated = 0;
        String posted = null;
        List<String> failures = new ArrayList<>();
        String statusAtStop = SystemIT.run(run).get("status").asText();
        while (System.nanoTime() - stopped < OUTAGE.toNanos()) {
            for (Http.Reply r : new Http.Reply[] {Http.get(TRAINER + "/api/runs"), Http.get(TRAINER + "/api/runs/" + run),
                    Http.get(TRAINER + "/api/runs/" + run + "/metrics"), Http.get(GENERATOR + "/api/model")}) {
                answered++;
                if (r.status() != 200) {
                    failures.add(r.status() + " " + r.body());
                }
            }
            Http.Reply text = Http.postForm(GENERATOR + "/generate", "words=5");
            if (text.status() == 200) {
                generated++;
            } else {
                failures.add("POST /generate " + text.status() + " " + text.body());
            }
            if (posted == null) {
                posted = SystemIT.postRun("{\"name\":\"posted-while-the-broker-is-down\",\"dataset\":\"sample\","
                        + "\"epochs\":1,\"emsize\":16,\"nhid\":16,\"nlayers\":1}");
                answered++;
            }
            Thread.sleep(500);
        }
        String statusAtRestart = SystemIT.run(run).get("status").asText();
        stack.startKafka();
        long back = System.nanoTime();
        assertTrue(failures.isEmpty(), "every request answered while the broker was down: " + failures);

        JsonNode done = SystemIT.awaitStatus(run, "COMPLETED", Duration.ofMinutes(6));
        JsonNode metrics = Http.get(TRAINER + "/api/runs/" + run + "/metrics").json();
        assertEquals(EPOCHS, metrics.size(), "every epoch recorded: " + metrics);
        for (int i = 0; i < EPOCHS; i++) {
            assertEquals(i + 1, metrics.get(i).get("epoch").asInt(), "each epoch once, in order: " + metrics);
        }
        JsonNode checkpoints = done.get("checkpoints");
        String newest = checkpoints.get(checkpoints.size() - 1).get("id").asText();
        JsonNode laterRun = SystemIT.awaitStatus(posted, "COMPLETED", Duration.ofMinutes(4));
        // the later run's checkpoint is the newest now: the generator follows it, having seen run 1's last one
        String laterCheckpoint = laterRun.get("checkpoints").get(laterRun.get("checkpoints").size() - 1).get("id").asText();
        SystemIT.awaitServed("checkpointId", laterCheckpoint, Duration.ofMinutes(2));
        double recovered = (System.nanoTime() - back) / 1e9;
        System.out.printf(Locale.ROOT, "faults: BrokerOutageIT ok, broker down %d s (run %s when stopped, %s when "
                        + "restarted): %d requests answered, %d generations served, a run posted meanwhile trained; "
                        + "the run recorded %d of %d epochs (newest checkpoint %s), everything delivered %.1f s after "
                        + "the broker's restart (the run's last epochs and the later run trained meanwhile)%n", OUTAGE.toSeconds(), statusAtStop, statusAtRestart, answered, generated,
                metrics.size(), EPOCHS, newest, recovered);
    }
}
