package dev.wordlm.system;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The system end to end, every part a real process: POST a run, watch it train over Kafka, see the generator
 * hot-swap its checkpoint and serve words over POST and SSE; swap again under streaming load; kill the trainer
 * mid-run and see the run resume; POST while Kafka is down and see the outbox deliver. Prints the measured
 * figures (lines starting with "figure:").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemIT {
    static final String TRAINER = "http://127.0.0.1:" + Stack.TRAINER_PORT;
    static final String GENERATOR = "http://127.0.0.1:" + Stack.GENERATOR_PORT;

    @RegisterExtension
    static final Stack stack = new Stack();
    static String firstRun;

    static String postRun(String json) throws Exception {
        Http.Reply r = Http.postJson(TRAINER + "/api/runs", json);
        assertEquals(202, r.status(), r.body());
        String id = r.json().get("id").asText();
        assertEquals("/api/runs/" + id, java.net.URI.create(r.headers().firstValue("Location").orElseThrow()).getPath());
        return id;
    }

    static JsonNode run(String id) throws Exception {
        Http.Reply r = Http.get(TRAINER + "/api/runs/" + id);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static JsonNode awaitStatus(String id, String status, Duration timeout) throws Exception {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode run = run(id);
                last.set(run);
                String now = run.get("status").asText();
                if (!now.equals(status) && !now.equals("QUEUED") && !now.equals("RUNNING")) {
                    throw new AssertionError("run " + id + " ended " + now + ": " + run); // out of the wait at once
                }
                return run;
            }, run -> run.get("status").asText().equals(status));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("run " + id + " not " + status + " after " + timeout + ": " + last.get(), e);
        }
    }

    /** Waits until the run has at least {@code epochs} epoch metrics. */
    static void awaitEpochMetrics(String id, int epochs, Duration timeout) throws Exception {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get(TRAINER + "/api/runs/" + id + "/metrics").json().size() >= epochs);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("fewer than " + epochs + " epoch metrics after " + timeout + ": " + run(id), e);
        }
    }

    /** Waits until the generator's served model has {@code field} (runId, checkpointId) equal to {@code value}. */
    static JsonNode awaitServed(String field, String value, Duration timeout) throws Exception {
        AtomicReference<JsonNode> status = new AtomicReference<>();
        try {
            return await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                status.set(Http.get(GENERATOR + "/api/model").json());
                return status.get().get("model");
            }, model -> model != null && value.equals(model.path(field).asText()));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("generator does not serve " + field + " " + value + " after " + timeout + ": "
                    + status.get(), e);
        }
    }

    @Test
    @Order(1)
    void trainsOverKafkaAndTheGeneratorServesTheCheckpoint() throws Exception {
        Instant posted = Instant.now();
        firstRun = postRun("{\"name\":\"system-1\",\"dataset\":\"sample\",\"epochs\":2,\"emsize\":32,\"nhid\":32,"
                + "\"nlayers\":1,\"logInterval\":50}");
        // time to the first epoch metric: queueing, consuming, engine start, one epoch
        awaitEpochMetrics(firstRun, 1, Duration.ofMinutes(3));
        double toFirstMetric = Duration.between(posted, Instant.now()).toMillis() / 1000.0;
        JsonNode done = awaitStatus(firstRun, "COMPLETED", Duration.ofMinutes(3));
        JsonNode metrics = Http.get(TRAINER + "/api/runs/" + firstRun + "/metrics").json();
        assertEquals(2, metrics.size(), metrics.toString());
        assertTrue(done.get("testPerplexity").asDouble() > 1, done.toString());
        assertTrue(done.get("checkpoints").size() >= 1, done.toString());

        JsonNode served = awaitServed("runId", firstRun, Duration.ofMinutes(2));
        JsonNode lastCheckpoint = done.get("checkpoints").get(done.get("checkpoints").size() - 1);
        String checkpointId = lastCheckpoint.get("id").asText();
        awaitServed("checkpointId", checkpointId, Duration.ofMinutes(1));
        double swapSeconds = Duration.between(Instant.parse(served.get("createdAt").asText()),
                Instant.parse(served.get("servingSince").asText())).toMillis() / 1000.0;

        Http.Reply text = Http.postForm(GENERATOR + "/generate", "words=100&temperature=1.0");
        assertEquals(200, text.status(), text.body());
        assertEquals(100, text.body().trim().split("\\s+").length, text.body());
        assertEquals(firstRun, text.headers().firstValue("X-Model-Run").orElseThrow());

        List<Http.Event> events = Http.events(GENERATOR + "/generate/stream?words=30&seed=5");
        assertEquals("model", events.get(0).name());
        assertEquals(30, events.stream().filter(e -> e.name().equals("word")).count());
        Http.Event last = events.get(events.size() - 1);
        assertEquals("done", last.name());
        assertEquals(30, last.json().get("count").asInt());
        System.out.printf(Locale.ROOT, "figure: POST -> first epoch metric %.1f s; checkpoint created -> serving %.2f s%n",
                toFirstMetric, swapSeconds);
    }

    @Test
    @Order(2)
    void swapsUnderStreamingLoadWithoutFailingARequest() throws Exception {
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger completed = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> servedBy = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            loops.add(clients.submit(() -> {
                while (streaming.get()) {
                    try {
                        List<Http.Event> events = Http.events(GENERATOR + "/generate/stream?words=200");
                        String startedOn = events.get(0).json().get("checkpointId").asText();
                        Http.Event done = events.get(events.size() - 1);
                        long words = events.stream().filter(e -> e.name().equals("word")).count();
                        if (!done.name().equals("done") || words != 200) {
                            failures.add("stream ended with " + done.name() + " after " + words + " words");
                        } else if (!startedOn.equals(done.json().get("model").get("checkpointId").asText())) {
                            failures.add("stream switched models mid-way");
                        }
                        servedBy.add(startedOn);
                        completed.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
                return null;
            }));
        }
        String second = postRun("{\"name\":\"system-2\",\"dataset\":\"sample\",\"epochs\":1,\"emsize\":32,\"nhid\":32,"
                + "\"nlayers\":1,\"seed\":7}");
        awaitStatus(second, "COMPLETED", Duration.ofMinutes(3));
        String swappedIn = awaitServed("runId", second, Duration.ofMinutes(2)).get("checkpointId").asText();
        // Streams that start now must get the new checkpoint.
        await().atMost(Duration.ofSeconds(30)).until(() -> servedBy.contains(swappedIn));
        streaming.set(false);
        for (Future<?> f : loops) {
            f.get();
        }
        clients.shutdown();
        String newCheckpoint = Http.get(GENERATOR + "/api/model").json().get("model").get("checkpointId").asText();
        assertTrue(failures.isEmpty(), "failed requests during the swap: " + failures);
        assertTrue(servedBy.contains(newCheckpoint), "later streams use the new checkpoint");
        assertTrue(servedBy.stream().anyMatch(id -> !id.equals(newCheckpoint)), "earlier streams used the old one");
        System.out.printf(Locale.ROOT, "figure: %d streams completed across a swap, %d failed%n", completed.get(),
                failures.size());
    }

    @Test
    @Order(3)
    void aKilledTrainersRunResumesFromItsLastEpoch() throws Exception {
        // Big enough that an epoch takes a few seconds, so the kill lands mid-run.
        String id = postRun("{\"name\":\"system-resume\",\"dataset\":\"sample\",\"epochs\":4,\"emsize\":64,\"nhid\":64,"
                + "\"nlayers\":2,\"logInterval\":20}");
        awaitEpochMetrics(id, 1, Duration.ofMinutes(3));
        int doneBeforeKill = Http.get(TRAINER + "/api/runs/" + id + "/metrics").json().size();
        assertTrue(doneBeforeKill < 4, "the run finished before the kill: make epochs longer");
        stack.killTrainer();
        stack.startTrainer();
        JsonNode done = awaitStatus(id, "COMPLETED", Duration.ofMinutes(5));
        assertEquals(2, done.get("attempts").asInt(), done.toString());
        assertTrue(done.get("resumedFromEpoch").asInt() >= 1, done.toString());
        JsonNode metrics = Http.get(TRAINER + "/api/runs/" + id + "/metrics").json();
        List<Integer> epochs = new ArrayList<>();
        metrics.forEach(m -> epochs.add(m.get("epoch").asInt()));
        assertEquals(List.of(1, 2, 3, 4), epochs, "each epoch once, none trained from scratch again");
        System.out.printf(Locale.ROOT, "figure: trainer killed after epoch %d, run resumed from epoch %d and completed%n",
                doneBeforeKill, done.get("resumedFromEpoch").asInt());
    }

    @Test
    @Order(4)
    void aRunPostedWhileKafkaIsDownIsNotLost() throws Exception {
        stack.stopKafka();
        String id;
        try {
            id = postRun("{\"name\":\"while-kafka-down\",\"dataset\":\"sample\",\"epochs\":1,\"emsize\":16,\"nhid\":16,"
                    + "\"nlayers\":1}");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> run(id).get("status").asText(), equalTo("QUEUED"));
        } finally {
            stack.startKafka();
        }
        JsonNode done = awaitStatus(id, "COMPLETED", Duration.ofMinutes(4));
        assertTrue(done.get("testPerplexity").asDouble() > 1);
    }

    @Test
    @Order(5)
    void generationThroughput() throws Exception {
        // one stream, then 16 at once; words/s as a client sees them (figures, not assertions)
        Http.events(GENERATOR + "/generate/stream?words=200");
        long t0 = System.nanoTime();
        List<Http.Event> one = Http.events(GENERATOR + "/generate/stream?words=1000");
        double single = 1000 / ((System.nanoTime() - t0) / 1e9);
        assertEquals("done", one.get(one.size() - 1).name());

        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> streams = new ArrayList<>();
        t0 = System.nanoTime();
        for (int i = 0; i < 16; i++) {
            streams.add(pool.submit(() -> {
                List<Http.Event> ev = Http.events(GENERATOR + "/generate/stream?words=300");
                return (int) ev.stream().filter(e -> e.name().equals("word")).count();
            }));
        }
        int total = 0;
        for (Future<Integer> f : streams) {
            total += f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        assertEquals(16 * 300, total);
        System.out.printf(Locale.ROOT, "figure: generation (model of this test: 1x32 LSTM) %.0f words/s for one stream, "
                + "%.0f words/s in total for 16 concurrent streams%n", single, total / seconds);
    }

    @Test
    @Order(6)
    void aCheckpointImportedFromElsewhereIsServed() throws Exception {
        // A file made outside the services (here: the first run's, downloaded as a user would keep it)
        JsonNode first = run(firstRun);
        String original = first.get("checkpoints").get(0).get("id").asText();
        byte[] file = Http.getBytes(TRAINER + "/api/checkpoints/" + original + "/content");
        Http.Reply imported = Http.postBytes(TRAINER + "/api/checkpoints?name=kept-elsewhere", file);
        assertEquals(201, imported.status(), imported.body());
        String id = imported.json().get("id").asText();
        JsonNode served = awaitServed("checkpointId", id, Duration.ofMinutes(1));
        assertEquals(imported.json().get("runId").asText(), served.get("runId").asText());
        Http.Reply text = Http.postForm(GENERATOR + "/generate", "words=20");
        assertEquals(200, text.status(), text.body());
        assertEquals(id, text.headers().firstValue("X-Model-Checkpoint").orElseThrow());
        System.out.printf(Locale.ROOT, "figure: a %d-byte checkpoint imported with POST /api/checkpoints, served%n",
                file.length);
    }
}
