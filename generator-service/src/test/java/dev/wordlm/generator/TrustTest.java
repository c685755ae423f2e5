package dev.wordlm.generator;

import static dev.wordlm.generator.support.Api.awaitHandled;
import static dev.wordlm.generator.support.Api.awaitRejected;
import static dev.wordlm.generator.support.Api.awaitServed;
import static dev.wordlm.generator.support.Api.choose;
import static dev.wordlm.generator.support.Api.servedCheckpoint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.events.CheckpointReady;
import dev.wordlm.generator.config.GeneratorConfig;
import dev.wordlm.generator.support.CheckpointEventPublisher;
import dev.wordlm.generator.support.FakeTrainer;
import dev.wordlm.generator.support.FakeTrainer.CheckpointRecord;
import dev.wordlm.generator.support.TestCheckpoints;
import dev.wordlm.generator.support.TestTokens;
import dev.wordlm.generator.support.WarmProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint event is a hint: whoever can write to the topic cannot choose what is served, make the generator
 * connect anywhere but the trainer, or stall the switcher. Each case is one that an attacker on the network tried.
 */
@QuarkusTest
@TestProfile(WarmProfile.class)
class TrustTest {
    private static final Instant FAR_FUTURE = Instant.parse("2099-01-01T00:00:00Z");

    @TempDir
    static Path work;

    @Inject
    GeneratorConfig config;

    @BeforeEach
    void followNewest() {
        TestTokens.asAdmin();
        choose(Map.of("selection", "newest")).then().statusCode(200);
    }

    @Test
    void aForgedFutureDatedEventChangesNothingServed() {
        FakeTrainer trainer = FakeTrainer.instance();
        String served = servedCheckpoint();
        // A real file on the trainer, never announced: the forger copies its digest and size.
        CheckpointRecord decoy = trainer.publish(UUID.randomUUID(), 3, 300.0, TestCheckpoints.untrained(work, 41));
        UUID forgedId = UUID.randomUUID();
        CheckpointEventPublisher.publish(UUID.randomUUID().toString(), trainer.eventJson(CheckpointReady.of(
                UUID.randomUUID(), forgedId, 99, 1.01, decoy.sha256(), decoy.sizeBytes(), decoy.downloadUrl(), null,
                FAR_FUTURE)));
        assertEquals("unknown-checkpoint", awaitRejected(forgedId));
        assertEquals(served, servedCheckpoint(), "the forged checkpoint is not served");
        assertEquals(1, trainer.requests().stream().filter(r -> r.contains(forgedId.toString())).count(),
                "the forged event cost one lookup, nothing else");
        assertEquals(0, trainer.downloaded().stream().filter(decoy.id()::equals).count());

        // A real id with forged metadata: served as the trainer describes it, and it does not block later ones.
        CheckpointEventPublisher.publish(decoy.runId().toString(), trainer.eventJson(CheckpointReady.of(
                decoy.runId(), decoy.id(), 99, 1.01, decoy.sha256(), decoy.sizeBytes(), decoy.downloadUrl(), null,
                FAR_FUTURE)));
        awaitServed(decoy.id(), System.nanoTime());
        given().get("/api/model").then().body("model.epoch", equalTo(3)).body("model.validPerplexity", equalTo(300.0f));

        CheckpointRecord later = trainer.publish(UUID.randomUUID(), 1, 400.0, TestCheckpoints.untrained(work, 42));
        CheckpointEventPublisher.publish(later, trainer.eventJson(later));
        assertEquals("swapped", awaitHandled(later.id()), "newest is the trainer's order, not the event's");
        assertEquals(later.id().toString(), servedCheckpoint());
    }

    @Test
    void aForeignDownloadUrlIsNeverConnectedTo() throws IOException {
        FakeTrainer trainer = FakeTrainer.instance();
        try (Listener elsewhere = new Listener()) {
            // In an event: ignored, the file comes from the trainer.
            CheckpointRecord real = trainer.publish(UUID.randomUUID(), 1, 200.0, TestCheckpoints.untrained(work, 43));
            CheckpointEventPublisher.publish(real, trainer.eventJson(CheckpointReady.of(real.runId(), real.id(),
                    real.epoch(), real.validPerplexity(), real.sha256(), real.sizeBytes(), elsewhere.url(), null,
                    real.createdAt())));
            assertEquals("swapped", awaitHandled(real.id()));

            // In the trainer's own record: refused and counted.
            double before = rejected("foreign-url");
            CheckpointRecord linked = trainer.publishLinkedTo(UUID.randomUUID(), 1, 100.0,
                    TestCheckpoints.untrained(work, 44), elsewhere.url());
            try {
                CheckpointEventPublisher.publish(linked, trainer.eventJson(linked));
                assertEquals("foreign-url", awaitRejected(linked.id()));
                assertEquals(real.id().toString(), servedCheckpoint());
                assertEquals(before + 1, rejected("foreign-url"));
                assertEquals(0, elsewhere.connections(), "nothing connected to the address the links named");
            } finally {
                trainer.withdraw(linked.id());
            }
        }
    }

    @Test
    void aHangingLookupDelaysNeitherALaterCheckpointNorAPin() {
        FakeTrainer trainer = FakeTrainer.instance();
        CheckpointRecord slow = trainer.publish(UUID.randomUUID(), 1, 100.0, TestCheckpoints.untrained(work, 45));
        trainer.hangLookups(slow.id());
        try {
            CheckpointEventPublisher.publish(slow, trainer.eventJson(slow));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> trainer.requests().contains("/api/checkpoints/" + slow.id()));

            long pinStart = System.nanoTime();
            choose(Map.of("selection", "newest")).then().statusCode(200);
            double pinMillis = (System.nanoTime() - pinStart) / 1e6;

            CheckpointRecord good = trainer.publish(UUID.randomUUID(), 1, 100.0, TestCheckpoints.untrained(work, 46));
            double swapMillis = awaitServed(good.id(), CheckpointEventPublisher.publish(good, trainer.eventJson(good)));
            long timeout = config.model().requestTimeout().toMillis();
            System.out.printf("%n[measure] while a lookup hangs: PUT /api/model answered in %.0f ms, the next "
                    + "checkpoint swapped in %.0f ms (lookup timeout %d ms)%n", pinMillis, swapMillis, timeout);
            assertTrue(swapMillis < timeout, "the next checkpoint did not wait for the hanging lookup: " + swapMillis);
            assertTrue(pinMillis < timeout, "PUT /api/model did not wait for the hanging lookup: " + pinMillis);

            assertEquals("failed", awaitHandled(slow.id()), "the hanging lookup timed out");
            assertEquals(good.id().toString(), servedCheckpoint());
        } finally {
            trainer.answer(slow.id());
        }
    }

    /** What CI saw once: the trainer restarted just as it announced a checkpoint, and that checkpoint was lost. */
    @Test
    void aCheckpointAnnouncedWhileTheTrainerCannotAnswerIsServedOnceItDoes() {
        FakeTrainer trainer = FakeTrainer.instance();
        CheckpointRecord record = trainer.publish(UUID.randomUUID(), 1, 100.0, TestCheckpoints.untrained(work, 47));
        trainer.refuseLookups(record.id(), 2);
        double swapMillis = awaitServed(record.id(), CheckpointEventPublisher.publish(record, trainer.eventJson(record)));
        long lookups = trainer.requests().stream().filter(("/api/checkpoints/" + record.id())::equals).count();
        System.out.printf("%n[measure] a checkpoint whose first 2 lookups got 503: served after %.0f ms, %d lookups%n",
                swapMillis, lookups);
        assertEquals(3, lookups, "asked again after each 503, and no more once it answered");
        assertEquals("swapped", awaitHandled(record.id()));
    }

    @Test
    void aPinWhileTheTrainerCannotAnswerIsABadGatewayToRetry() {
        FakeTrainer trainer = FakeTrainer.instance();
        CheckpointRecord record = trainer.publish(UUID.randomUUID(), 1, 100.0, TestCheckpoints.untrained(work, 48));
        trainer.refuseLookups(record.id(), 1);
        choose(Map.of("checkpointId", record.id().toString())).then().statusCode(502)
                .header("Retry-After", "5")
                .contentType("application/problem+json")
                .body("type", equalTo("urn:wordlm:problem:trainer-unavailable"));
        choose(Map.of("checkpointId", record.id().toString())).then().statusCode(200);
        assertEquals(record.id().toString(), servedCheckpoint());
    }

    private static double rejected(String reason) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^wordlm_checkpoints_rejected_total\\{reason=\"" + reason + "\"} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), "the " + reason + " counter exists from start-up");
        return Double.parseDouble(m.group(1));
    }

    /** A port that counts who connects to it and answers nothing. */
    private static final class Listener implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor = new Thread(this::accept, "foreign-listener");

        Listener() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/api/checkpoints/x/content";
        }

        int connections() {
            return connections.get();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try (Socket ignored = socket.accept()) {
                    connections.incrementAndGet();
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    connections.incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
