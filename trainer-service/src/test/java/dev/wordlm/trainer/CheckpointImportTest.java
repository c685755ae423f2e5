package dev.wordlm.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.engine.Engines;
import dev.wordlm.events.Topics;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.Trainer;
import dev.wordlm.trainer.support.BrokerControl;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.KafkaTopics;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint made elsewhere (by {@code ./lm train}, or {@code ./lm import} of a model trained in Python) imported
 * with {@code POST /api/checkpoints}: it becomes a finished run with that checkpoint, announced to generators, and
 * nothing but a verified checkpoint with a measured validation loss is accepted.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class CheckpointImportTest {
    @TempDir
    static Path tmp;

    BrokerControl broker;

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    @Test
    void aCheckpointMadeElsewhereBecomesAFinishedRunAnnouncedToGenerators() throws Exception {
        Corpus corpus = Corpus.load(new SampleCorpus(12, 3, 3000, 400, 400, 11).writeTo(tmp.resolve("corpus")));
        Path file = tmp.resolve("made-elsewhere.wlm");
        new Trainer(TrainConfig.builder().size(16).nlayers(1).epochs(1).dropout(0).seed(3).logInterval(1000).build(),
                corpus, file, null, null, null).train();
        byte[] bytes = Files.readAllBytes(file);
        Checkpoint.Info info = Checkpoint.readInfo(file);

        var reply = given().contentType("application/octet-stream").body(bytes).queryParam("name", "from-python")
                .post("/api/checkpoints").then().statusCode(201).extract();
        JsonPath checkpoint = reply.jsonPath();
        String id = checkpoint.getString("id");
        String run = checkpoint.getString("runId");
        assertTrue(reply.header("Location").endsWith("/api/checkpoints/" + id), reply.header("Location"));
        assertEquals(info.sha256(), checkpoint.getString("sha256"));
        assertEquals(info.epoch(), checkpoint.getInt("epoch"));
        assertEquals(Math.exp(info.validLoss()), checkpoint.getDouble("validPerplexity"), 1e-6 * Math.exp(info.validLoss()));

        given().get("/api/runs/" + run).then().statusCode(200).body("status", equalTo("COMPLETED"))
                .body("name", equalTo("from-python")).body("dataset", equalTo("imported"))
                .body("checkpoints[0].id", equalTo(id));
        byte[] served = given().get("/api/checkpoints/" + id + "/content").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(bytes, served, "the file is served as it was imported");
        given().queryParam("selection", "newest").queryParam("limit", 1).get("/api/checkpoints").then()
                .body("[0].id", equalTo(id));

        KafkaTopics topics = new KafkaTopics(broker);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !topics.values(Topics.CHECKPOINTS, run).isEmpty());
        List<String> announced = topics.values(Topics.CHECKPOINTS, run);
        assertEquals(1, announced.size(), "one checkpoint event: " + announced);
        assertTrue(announced.get(0).contains(id), announced.get(0));
    }

    @Test
    void onlyAVerifiedCheckpointWithAMeasuredLossIsImported() throws Exception {
        given().contentType("application/octet-stream").body("not a checkpoint".getBytes()).post("/api/checkpoints")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"))
                .body("detail", containsString("not a usable wordlm checkpoint"))
                .body("detail", org.hamcrest.Matchers.not(containsString(tmp.toString())));

        byte[] unmeasured = untrainedWithoutValidationLoss();
        given().contentType("application/octet-stream").body(unmeasured).post("/api/checkpoints").then().statusCode(400)
                .body("detail", containsString("--data"));
        byte[] damaged = unmeasured.clone();
        damaged[damaged.length / 2] ^= 0x40;
        given().contentType("application/octet-stream").body(damaged).post("/api/checkpoints").then().statusCode(400)
                .body("errors[0].field", equalTo("body"));

        given().contentType("application/json").body("{}").post("/api/checkpoints").then().statusCode(415);
        given().auth().oauth2(TestTokens.USER).contentType("application/octet-stream").body(unmeasured)
                .post("/api/checkpoints").then().statusCode(403);
        given().contentType("application/octet-stream").body(unmeasured).queryParam("name", "a\u0000b")
                .post("/api/checkpoints").then().statusCode(400).body("errors[0].field", equalTo("name"));
        given().contentType("application/octet-stream").body(unmeasured).queryParam("epochs", "3")
                .post("/api/checkpoints").then().statusCode(400);
    }

    private static byte[] untrainedWithoutValidationLoss() throws Exception {
        Corpus corpus = Corpus.load(new SampleCorpus(12, 3, 3000, 400, 400, 12).writeTo(tmp.resolve("corpus-2")));
        Engines.pytorch().setRandomSeed(5);
        TrainConfig training = TrainConfig.builder().emsize(8).nhid(8).nlayers(1).epochs(1).dropout(0).seed(5).build();
        ModelConfig config = training.modelConfig(corpus.vocabulary().size());
        Path file = tmp.resolve("unmeasured-" + UUID.randomUUID() + ".wlm");
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = RnnLanguageModel.initialize(config, root, Device.cpu())) {
            Checkpoint.save(file, model, training, corpus.vocabulary(), 0, 20.0, Double.NaN, Double.NaN, "imported");
        }
        return Files.readAllBytes(file);
    }
}
