package dev.wordlm.generator;

import static dev.wordlm.generator.support.Api.awaitHandled;
import static dev.wordlm.generator.support.Api.awaitRejected;
import static dev.wordlm.generator.support.Api.awaitServed;
import static dev.wordlm.generator.support.Api.choose;
import static dev.wordlm.generator.support.Api.servedCheckpoint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.events.Topics;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.generator.config.GeneratorConfig;
import dev.wordlm.generator.model.CheckpointHoldKeeper;
import dev.wordlm.generator.model.ModelHolder;
import dev.wordlm.generator.support.CheckpointEventPublisher;
import dev.wordlm.generator.support.FakeTrainer.CheckpointRecord;
import dev.wordlm.generator.support.FakeTrainer;
import dev.wordlm.generator.support.SseClient;
import dev.wordlm.generator.support.TestCheckpoints;
import dev.wordlm.generator.support.TestTokens;
import dev.wordlm.generator.support.WarmProfile;
import dev.wordlm.testing.SseParser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint events through the real broker: hot swaps under load, rejected checkpoints, and pins. */
@QuarkusTest
@TestProfile(WarmProfile.class)
class HotSwapTest {
    @TempDir
    static Path work;

    @TestHTTPResource("/")
    URI base;

    @Inject
    ModelHolder holder;

    @Inject
    GeneratorConfig config;

    @Inject
    CheckpointHoldKeeper holds;

    @BeforeEach
    void followNewest() {
        TestTokens.asAdmin();
        choose(Map.of("selection", "newest")).then().statusCode(200).body("pinned", nullValue());
    }

    @Test
    void eventSwapsTheModelWhileStreamsInFlightFinishOnTheirsAndNoRequestFails() throws Exception {
        FakeTrainer trainer = FakeTrainer.instance();
        // A model of the reference's default size, so a long stream is still running when the next swap comes.
        CheckpointRecord big = trainer.publish(UUID.randomUUID(), 1, 500.0, TestCheckpoints.ptbSized(work, 11));
        long sent = CheckpointEventPublisher.publish(big, trainer.eventJson(big));
        double bigSwapMillis = awaitServed(big.id(), sent);
        LanguageModel bigModel = holder.current().orElseThrow().model();

        CompletableFuture<Void> firstWord = new CompletableFuture<>();
        CompletableFuture<SseClient.Result> stream = CompletableFuture.supplyAsync(() -> SseClient.read(
                base.resolve("/generate/stream?words=1500&seed=1"), e -> {
                    if ("word".equals(e.name())) {
                        firstWord.complete(null);
                    }
                }));
        firstWord.get(60, TimeUnit.SECONDS);

        Load load = new Load(base, 2);
        CheckpointRecord small = trainer.publish(UUID.randomUUID(), 1, 400.0, TestCheckpoints.untrained(work, 12));
        sent = CheckpointEventPublisher.publish(small, trainer.eventJson(small));
        double smallSwapMillis = awaitServed(small.id(), sent);
        long swappedAt = System.nanoTime();
        assertTrue(bigModel.retain(), "a stream still holds the replaced model, so it is not freed yet");
        bigModel.release();

        given().multiPart("words", "5").post("/generate").then().statusCode(200)
                .header("X-Model-Checkpoint", small.id().toString());
        SseClient.Result result = stream.get(120, TimeUnit.SECONDS);
        long streamEnded = System.nanoTime();
        load.stop();

        assertEquals(200, result.status());
        assertEquals(big.id().toString(), result.headers().firstValue("X-Model-Checkpoint").orElse(null));
        assertEquals(1500, result.named("word").size(), "the stream that started before the swap is complete");
        SseParser.Event done = result.named("done").get(0);
        assertTrue(done.data().contains(big.id().toString()), "finished on the model it started with: " + done.data());
        assertTrue(streamEnded > swappedAt, "the stream was still running when the new model took over");
        assertFalse(bigModel.retain(), "the replaced model is freed after its last request");

        assertEquals(0, load.failures.get(), "failed requests during the swap: " + load.failureSamples);
        assertTrue(load.served.contains(small.id().toString()), "new requests see the new checkpoint: " + load.served);
        System.out.printf("%n[measure] hot swap: event -> serving %.0f ms for the 10k-word 2x200 LSTM (%.1f MB), "
                        + "%.0f ms for a tiny model; %d requests during the swap, %d failed; a 1500-word stream "
                        + "finished on the old model %.0f ms after the swap%n", bigSwapMillis, big.sizeBytes() / 1e6,
                smallSwapMillis, load.requests.get(), load.failures.get(), (streamEnded - swappedAt) / 1e6);
    }

    /** A Transformer checkpoint swaps in like an RNN's and serves POST, SSE and scoring; an LSTM swaps back in. */
    @Test
    void aTransformerCheckpointIsServedAndSwappedLikeTheRnns() {
        FakeTrainer trainer = FakeTrainer.instance();
        CheckpointRecord transformer = trainer.publish(UUID.randomUUID(), 1, 90.0,
                TestCheckpoints.untrainedTransformer(work, 41));
        awaitServed(transformer.id(), CheckpointEventPublisher.publish(transformer, trainer.eventJson(transformer)));
        List<String> words = given().contentType(ContentType.JSON).body(Map.of("words", 25, "seed", 3))
                .post("/generate").then().statusCode(200).body("count", equalTo(25))
                .header("X-Model-Checkpoint", transformer.id().toString()).extract().jsonPath().getList("words");
        assertEquals(25, words.size());
        // the same seed gives the same words again
        assertEquals(words, given().contentType(ContentType.JSON).body(Map.of("words", 25, "seed", 3))
                .post("/generate").then().statusCode(200).extract().jsonPath().getList("words"));
        SseClient.Result stream = SseClient.read(base.resolve("/generate/stream?words=40&seed=2"), e -> { });
        assertEquals(200, stream.status());
        assertEquals(40, stream.named("word").size());
        assertTrue(stream.named("done").get(0).data().contains(transformer.id().toString()));
        given().contentType(ContentType.TEXT).body(String.join(" ", stream.named("word").stream()
                        .map(dev.wordlm.testing.SseParser.Event::data).toList()).replace("<eos>", "\n") + "\n")
                .post("/api/score").then().statusCode(200).body("tokens", org.hamcrest.Matchers.greaterThan(30));

        CheckpointRecord lstm = trainer.publish(UUID.randomUUID(), 1, 80.0, TestCheckpoints.untrained(work, 42));
        awaitServed(lstm.id(), CheckpointEventPublisher.publish(lstm, trainer.eventJson(lstm)));
        given().multiPart("words", "5").post("/generate").then().statusCode(200)
                .header("X-Model-Checkpoint", lstm.id().toString());
    }

    @Test
    void theServedCheckpointIsHeldAtTheTrainerAndReleasedWhenReplaced() {
        FakeTrainer trainer = FakeTrainer.instance();
        CheckpointRecord first = trainer.publish(UUID.randomUUID(), 1, 100.0, TestCheckpoints.untrained(work, 35));
        awaitServed(first.id(), CheckpointEventPublisher.publish(first, trainer.eventJson(first)));
        String name = holds.name();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> trainer.holdersOf(first.id()).contains(name));

        CheckpointRecord second = trainer.publish(UUID.randomUUID(), 2, 90.0, TestCheckpoints.untrained(work, 36));
        awaitServed(second.id(), CheckpointEventPublisher.publish(second, trainer.eventJson(second)));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> trainer.holdersOf(second.id()).contains(name) && !trainer.holdersOf(first.id()).contains(name));
    }

    @Test
    void checkpointWhoseBytesDoNotMatchTheAnnouncedDigestIsRejected() {
        FakeTrainer trainer = FakeTrainer.instance();
        String current = servedCheckpoint();
        byte[] good = TestCheckpoints.untrained(work, 21);
        CheckpointRecord record = trainer.publishMismatched(UUID.randomUUID(), 1, 100.0, good, flipped(good));
        try {
            CheckpointEventPublisher.publish(record, trainer.eventJson(record));
            assertEquals("sha-mismatch", awaitRejected(record.id()));
            assertEquals(current, servedCheckpoint(), "the current model keeps serving");
            given().multiPart("words", "5").post("/generate").then().statusCode(200).header("X-Model-Checkpoint", current);
        } finally {
            trainer.withdraw(record.id());
        }
    }

    @Test
    void corruptCheckpointIsRejectedEvenWhenItsDigestIsAnnouncedCorrectly() {
        FakeTrainer trainer = FakeTrainer.instance();
        String current = servedCheckpoint();
        CheckpointRecord record = trainer.publish(UUID.randomUUID(), 1, 100.0, flipped(TestCheckpoints.untrained(work, 22)));
        try {
            CheckpointEventPublisher.publish(record, trainer.eventJson(record));
            assertEquals("corrupt", awaitRejected(record.id()));
            assertEquals(current, servedCheckpoint());
            given().get("/api/model").then().body("lastRejection.message", containsString("sha256"));
        } finally {
            trainer.withdraw(record.id());
        }
    }

    @Test
    void aDamagedOrWrongCachedCopyIsDeletedAndDownloadedAgain() throws Exception {
        FakeTrainer trainer = FakeTrainer.instance();
        byte[] fileA = TestCheckpoints.untrained(work, 24);
        byte[] fileB = TestCheckpoints.untrained(work, 25);
        CheckpointRecord a = trainer.publish(UUID.randomUUID(), 1, 100.0, fileA);
        CheckpointRecord b = trainer.publish(UUID.randomUUID(), 1, 100.0, fileB);
        Path cachedA = config.modelCacheDir().resolve(a.sha256() + Checkpoint.FILE_EXTENSION);
        try {
            pin(a);
            pin(b);
            assertEquals(1, downloads(trainer, a));
            assertArrayEquals(fileA, Files.readAllBytes(cachedA), "cached once its digest was checked");

            // A damaged copy (fails to parse): deleted, downloaded again, served, and cached intact.
            Files.write(cachedA, flipped(fileA));
            pin(a);
            assertEquals(2, downloads(trainer, a), "the damaged copy was not served");
            assertArrayEquals(fileA, Files.readAllBytes(cachedA));

            // A sound checkpoint under another one's name (parses, wrong sha256): the same.
            Files.write(cachedA, fileB);
            pin(b);
            pin(a);
            assertEquals(3, downloads(trainer, a), "the wrong copy was not served");
            assertArrayEquals(fileA, Files.readAllBytes(cachedA));
            assertEquals(1, downloads(trainer, b), "an intact copy is read from the cache, never downloaded again");
            given().get("/api/model").then().body("lastRejection.checkpointId", not(equalTo(a.id().toString())));
            given().multiPart("words", "5").post("/generate").then().statusCode(200)
                    .header("X-Model-Checkpoint", a.id().toString());
        } finally {
            trainer.withdraw(a.id());
            trainer.withdraw(b.id());
        }
    }

    private static void pin(CheckpointRecord checkpoint) {
        choose(Map.of("checkpointId", checkpoint.id().toString())).then().statusCode(200)
                .body("model.checkpointId", equalTo(checkpoint.id().toString()));
    }

    private static long downloads(FakeTrainer trainer, CheckpointRecord checkpoint) {
        return trainer.downloaded().stream().filter(checkpoint.id()::equals).count();
    }

    @Test
    void malformedEventIsDeadLetteredAndCounted() {
        String current = servedCheckpoint();
        double malformedBefore = malformedEvents();
        double deadLettersBefore = deadLetters();
        String key = "junk-" + UUID.randomUUID();
        String junk = "{\"this is\": \"not a checkpoint event\"";
        CheckpointEventPublisher.publish(key, junk);
        // Events are handled in order: once a later (rejected) checkpoint is seen, the junk was handled too.
        FakeTrainer trainer = FakeTrainer.instance();
        CheckpointRecord marker = trainer.publish(UUID.randomUUID(), 1, 1.0, flipped(TestCheckpoints.untrained(work, 23)));
        try {
            CheckpointEventPublisher.publish(marker, trainer.eventJson(marker));
            awaitRejected(marker.id());
            assertEquals(current, servedCheckpoint());
            assertEquals(malformedBefore + 1, malformedEvents(), "counted as a rejection with reason malformed-event");
            assertEquals(deadLettersBefore + 1, deadLetters(), "counted as a dead letter of the checkpoints topic");
            List<CheckpointEventPublisher.ReadRecord> dead = await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> CheckpointEventPublisher.read(Topics.CHECKPOINTS_DEAD_LETTERS, key), l -> !l.isEmpty());
            assertEquals(1, dead.size(), "one dead letter per bad record: " + dead);
            assertEquals(junk, dead.get(0).value(), "the record as it came");
            assertEquals(Topics.CHECKPOINTS, dead.get(0).headers().get("dead-letter-topic"));
            assertTrue(dead.get(0).headers().getOrDefault("dead-letter-reason", "").startsWith("not a checkpoint event"),
                    "the reason is in the headers: " + dead.get(0).headers());
            assertTrue(CheckpointEventPublisher.read(Topics.CHECKPOINTS_DEAD_LETTERS, marker.runId().toString()).isEmpty(),
                    "a readable event whose checkpoint is refused is not a dead letter");
        } finally {
            trainer.withdraw(marker.id());
        }
    }

    @Test
    void putPinsACheckpointOrARunAndUnpins() {
        FakeTrainer trainer = FakeTrainer.instance();
        UUID run = UUID.randomUUID();
        CheckpointRecord first = trainer.publish(run, 1, 300.0, TestCheckpoints.untrained(work, 31));
        CheckpointRecord best = trainer.publish(run, 2, 200.0, TestCheckpoints.untrained(work, 32));
        CheckpointRecord last = trainer.publish(run, 3, 250.0, TestCheckpoints.untrained(work, 33));

        choose(Map.of("checkpointId", first.id().toString())).then().statusCode(200)
                .body("model.checkpointId", equalTo(first.id().toString()))
                .body("pinned.checkpointId", equalTo(first.id().toString()));
        given().multiPart("words", "3").post("/generate").then().header("X-Model-Checkpoint", first.id().toString());

        // A newer checkpoint does not replace a pinned one.
        CheckpointRecord newer = trainer.publish(UUID.randomUUID(), 1, 10.0, TestCheckpoints.untrained(work, 34));
        CheckpointEventPublisher.publish(newer, trainer.eventJson(newer));
        assertEquals("ignored", awaitHandled(newer.id()));
        assertEquals(first.id().toString(), servedCheckpoint());

        choose(Map.of("runId", run.toString(), "selection", "best")).then().statusCode(200)
                .body("model.checkpointId", equalTo(best.id().toString()))
                .body("pinned.runId", equalTo(run.toString()))
                .body("selection", equalTo("best"));
        choose(Map.of("runId", run.toString(), "selection", "newest")).then().statusCode(200)
                .body("model.checkpointId", equalTo(last.id().toString()));
        choose(Map.of("selection", "newest")).then().statusCode(200)
                .body("pinned", nullValue())
                .body("model.checkpointId", equalTo(newer.id().toString()));

        choose(Map.of("checkpointId", UUID.randomUUID().toString())).then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("urn:wordlm:problem:not-found"));
        choose(Map.of()).then().statusCode(400).body("type", equalTo("urn:wordlm:problem:invalid-request"));
        choose(Map.of("checkpointId", "not-a-uuid")).then().statusCode(400).body("errors.field", hasItem("checkpointId"));
        choose(Map.of("checkpointId", first.id().toString(), "runId", run.toString())).then().statusCode(400);
        choose(Map.of("selection", "worst")).then().statusCode(400).body("errors.field", hasItem("selection"));
        assertEquals(newer.id().toString(), servedCheckpoint(), "refused choices change nothing");
    }

    private static double malformedEvents() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^wordlm_checkpoints_rejected_total\\{reason=\"malformed-event\"} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), "the malformed-event counter exists from start-up");
        return Double.parseDouble(m.group(1));
    }

    private static double deadLetters() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^wordlm_dead_letters_total\\{topic=\"checkpoints\"} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        assertTrue(m.find(), "the dead-letter counter exists from start-up");
        return Double.parseDouble(m.group(1));
    }

    private static byte[] flipped(byte[] file) {
        byte[] copy = file.clone();
        copy[copy.length / 2] ^= 0x55;
        return copy;
    }

    /** Clients sending short JSON generations in a loop, counting answers that are not 200. */
    private static final class Load {
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final Set<String> served = ConcurrentHashMap.newKeySet();
        final List<String> failureSamples = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads;

        Load(URI base, int clients) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/generate"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", TestTokens.adminHeader())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"words\": 20}")).build();
            threads = IntStream.range(0, clients).mapToObj(i -> new Thread(() -> {
                while (running.get()) {
                    requests.incrementAndGet();
                    try {
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failures.incrementAndGet();
                            failureSamples.add(r.statusCode() + " " + r.body());
                        } else {
                            served.add(r.headers().firstValue("X-Model-Checkpoint").orElse("?"));
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        failureSamples.add(e.toString());
                    }
                }
            }, "load-" + i)).toList();
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }
}
