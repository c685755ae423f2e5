package dev.wordlm.trainer;

import dev.wordlm.events.RunStatus;
import dev.wordlm.events.Topics;
import dev.wordlm.events.TrainingRequested;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.Trainer;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.dataset.DatasetCatalog;
import dev.wordlm.trainer.json.JsonCodec;
import dev.wordlm.trainer.run.TrainingRun;
import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.BrokerControl;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.KafkaTopics;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trainer that died mid-run left its run RUNNING, with the state of its last finished epoch on disk. Whoever gets the
 * run's request next (Kafka redelivers the dead trainer's unacknowledged record; the orphan reaper queues a new one)
 * resumes it from that epoch, not from scratch. A run whose trainer is alive (renews its lease) is left alone.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class ResumeTest {

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    private static final TrainConfig TWO_EPOCHS = TrainConfig.builder().size(16).nlayers(1).epochs(2).bptt(20).dropout(0)
            .logInterval(20).build();

    BrokerControl broker;

    @Inject
    CheckpointFiles files;

    @Inject
    DatasetCatalog datasets;

    @Inject
    JsonCodec json;

    @Inject
    EntityManager em;

    @Test
    void aRedeliveredRequestResumesARunWhoseTrainerDied() {
        UUID id = deadRunAfterEpochOne(true);
        KafkaTopics kafka = new KafkaTopics(broker);
        kafka.produce(Topics.TRAINING_REQUESTS, id.toString(), json.write(TrainingRequested.of(id, "orphan", "sample",
                TWO_EPOCHS, Instant.now())));
        JsonPath resumed = assertResumedAfterEpochOne(id);

        // The same run without interruption ends with the same model.
        JsonPath uninterrupted = Api.awaitStatus(Api.submit(Api.tinyRun(2)), "COMPLETED", Duration.ofSeconds(90));
        assertEquals(uninterrupted.getDouble("testPerplexity"), resumed.getDouble("testPerplexity"), 1e-6);
    }

    @Test
    void theReaperRequeuesARunWhoseTrainerDiedWithoutARequestLeft() {
        UUID id = deadRunAfterEpochOne(false);
        assertResumedAfterEpochOne(id);
        assertEquals(1, new KafkaTopics(broker).values(Topics.TRAINING_REQUESTS, id.toString()).size(),
                "the reaper queued one request");
    }

    @Test
    void aRequestForARunWithALiveTrainerElsewhereIsIgnored() {
        UUID id = insertRunningRun(UUID.randomUUID(), "trainer-elsewhere", "now()", "now()");
        // The other trainer is alive: it renews its lease.
        ScheduledExecutorService otherTrainer = Executors.newSingleThreadScheduledExecutor();
        otherTrainer.scheduleAtFixedRate(() -> QuarkusTransaction.requiringNew().run(() -> em
                .createNativeQuery("update runs set heartbeat_at = now() where id = ?1")
                .setParameter(1, id).executeUpdate()), 0, 500, TimeUnit.MILLISECONDS);
        try {
            KafkaTopics kafka = new KafkaTopics(broker);
            RecordMetadata request = kafka.produce(Topics.TRAINING_REQUESTS, id.toString(),
                    json.write(TrainingRequested.of(id, "elsewhere", "sample", TWO_EPOCHS, Instant.now())));
            kafka.awaitConsumed(request, Duration.ofSeconds(45));
            TrainingRun run = QuarkusTransaction.requiringNew().call(() -> TrainingRun.<TrainingRun>findById(id));
            assertEquals("trainer-elsewhere", run.owner);
            assertEquals(1, run.attempts);
            assertEquals(0, run.epochsCompleted);
        } finally {
            otherTrainer.shutdownNow();
            // End it as its trainer would, or this one takes it over once the lease expires.
            QuarkusTransaction.requiringNew().run(() -> TrainingRun.<TrainingRun>findById(id).status = RunStatus.FAILED);
        }
    }

    /**
     * A run as a trainer leaves it when killed during epoch 2: RUNNING, its lease long expired, last.wlm saved after
     * epoch 1 (trained here with the same configuration).
     *
     * @param requeued whether the reaper already queued it (so only a redelivered request can resume it)
     */
    private UUID deadRunAfterEpochOne(boolean requeued) {
        UUID id = UUID.randomUUID();
        // The files first: once the row exists, the reaper may hand the run to a trainer at any moment.
        new Trainer(TWO_EPOCHS.withEpochs(1), datasets.load("sample"), files.best(id), files.last(id), null, null)
                .train();
        assertTrue(Files.exists(files.last(id)));
        insertRunningRun(id, "trainer-that-died", "now() - interval '1 hour'", requeued ? "now()" : "null");
        return id;
    }

    private UUID insertRunningRun(UUID id, String owner, String heartbeat, String requeued) {
        QuarkusTransaction.requiringNew().run(() -> {
            TrainingRun run = new TrainingRun();
            run.id = id;
            run.name = owner;
            run.dataset = "sample";
            run.status = RunStatus.RUNNING;
            run.configJson = json.write(TWO_EPOCHS);
            run.createdAt = Instant.now();
            run.startedAt = Instant.now();
            run.updatedAt = Instant.now();
            run.owner = owner;
            run.attempts = 1;
            run.persist();
            em.flush();
            em.createNativeQuery("update runs set heartbeat_at = " + heartbeat + ", requeued_at = " + requeued
                    + " where id = ?1").setParameter(1, id).executeUpdate();
        });
        return id;
    }

    private static JsonPath assertResumedAfterEpochOne(UUID id) {
        JsonPath run = Api.awaitStatus(id, "COMPLETED", Duration.ofSeconds(90));
        assertEquals(1, run.getInt("resumedFromEpoch"));
        assertEquals(2, run.getInt("attempts"));
        assertEquals(2, run.getInt("progress.epochsCompleted"));
        List<Integer> epochs = given().when().get("/api/runs/" + id + "/metrics").then().statusCode(200)
                .extract().jsonPath().getList("epoch", Integer.class);
        assertEquals(List.of(2), epochs, "only epoch 2 was trained again");
        return run;
    }
}
