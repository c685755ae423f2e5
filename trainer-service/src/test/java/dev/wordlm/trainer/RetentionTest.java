package dev.wordlm.trainer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.events.Topics;
import dev.wordlm.trainer.checkpoint.CheckpointFiles;
import dev.wordlm.trainer.retention.RetentionSweep;
import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.BrokerControl;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.KafkaTopics;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and deletion: a finished run keeps only its newest checkpoint; a run is deleted with everything it has,
 * at once when it is not training, after it has stopped when it is; uploaded datasets can be deleted unless a run
 * needs them, and count against a quota; the sweep removes what a crash left behind.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class RetentionTest {
    @TempDir
    static Path tmp;

    @Inject
    CheckpointFiles files;

    @Inject
    RetentionSweep sweep;

    BrokerControl broker;

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    @Test
    void aFinishedRunKeepsItsNewestCheckpointAndIsDeletedWithItsFiles() {
        Map<String, Object> body = Api.tinyRun(4);
        body.put("lr", 5.0); // a loss that falls every epoch: one checkpoint published per epoch
        UUID run = Api.submit(body);
        Api.awaitStatus(run, "COMPLETED", Duration.ofSeconds(120));
        int published = new KafkaTopics(broker).values(Topics.CHECKPOINTS, run.toString()).size();
        assertTrue(published >= 2, "the run published " + published + " checkpoints; the test needs at least 2");

        List<String> kept = given().queryParam("runId", run.toString()).get("/api/checkpoints").then().statusCode(200)
                .extract().jsonPath().getList("id");
        assertEquals(1, kept.size(), "retention keeps the newest (best) checkpoint: " + kept);
        assertEquals(List.of(kept.get(0) + ".wlm"), publishedFiles(run), "older checkpoint files are gone");
        given().get("/api/checkpoints/" + kept.get(0) + "/content").then().statusCode(200);

        given().delete("/api/runs/" + run).then().statusCode(204);
        given().get("/api/runs/" + run).then().statusCode(404);
        given().get("/api/checkpoints/" + kept.get(0)).then().statusCode(404);
        assertFalse(Files.exists(files.runDirectory(run)), "its files are gone");
        given().delete("/api/runs/" + run).then().statusCode(404);
    }

    @Test
    void aCheckpointAGeneratorHoldsOutlivesRetentionUntilItsRunIsDeleted() {
        Map<String, Object> body = Api.tinyRun(10_000);
        body.put("lr", 5.0); // a loss that falls every epoch: one checkpoint published per epoch
        UUID run = Api.submit(body);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> checkpointsOf(run).size() >= 2);
        List<String> published = checkpointsOf(run);
        String held = published.get(published.size() - 1); // the oldest: what a generator pinned a while ago
        String hold = "/api/checkpoints/" + held + "/holds/generator-test-1";

        given().auth().oauth2(TestTokens.USER).put(hold).then().statusCode(200)
                .body("checkpointId", equalTo(held)).body("holder", equalTo("generator-test-1"))
                .body("expiresAt", org.hamcrest.Matchers.notNullValue());
        given().auth().none().put(hold).then().statusCode(401);
        given().auth().oauth2(TestTokens.USER).post("/api/runs/" + run + "/cancel").then().statusCode(403);
        given().auth().oauth2(TestTokens.USER).put("/api/checkpoints/" + UUID.randomUUID() + "/holds/g").then()
                .statusCode(404);
        given().auth().oauth2(TestTokens.USER).put("/api/checkpoints/" + held + "/holds/a*b").then().statusCode(400)
                .body("errors[0].field", equalTo("holder"));

        given().post("/api/runs/" + run + "/cancel").then().statusCode(202);
        Api.awaitStatus(run, "CANCELLED", Duration.ofSeconds(90));
        List<String> kept = checkpointsOf(run);
        assertEquals(2, kept.size(), "the newest and the held one are kept: " + kept);
        assertTrue(kept.contains(held), "the held checkpoint is kept: " + kept);
        assertEquals(kept.stream().map(id -> id + ".wlm").sorted().toList(), publishedFiles(run), "and their files");

        given().auth().oauth2(TestTokens.USER).delete(hold).then().statusCode(204);
        given().auth().oauth2(TestTokens.USER).delete(hold).then().statusCode(204); // released already: the same
        given().delete("/api/runs/" + run).then().statusCode(204); // a deletion asked for takes held ones too
        given().get("/api/checkpoints/" + held).then().statusCode(404);
    }

    private static List<String> checkpointsOf(UUID run) {
        return given().queryParam("runId", run.toString()).queryParam("limit", 200).get("/api/checkpoints").then()
                .statusCode(200).extract().jsonPath().getList("id");
    }

    @Test
    void aRunningRunIsCancelledThenDeletedAndAQueuedOneAtOnce() {
        UUID running = Api.submit(Api.tinyRun(10_000));
        Api.awaitStatus(running, "RUNNING", Duration.ofSeconds(90));
        UUID queued = Api.submit(Api.tinyRun(1)); // one run at a time: it waits behind the first
        assertEquals("QUEUED", Api.run(queued).getString("status"));

        given().delete("/api/runs/" + queued).then().statusCode(204);
        given().get("/api/runs/" + queued).then().statusCode(404);

        given().delete("/api/runs/" + running).then().statusCode(202);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
                .until(() -> given().get("/api/runs/" + running).statusCode() == 404);
        assertFalse(Files.exists(files.runDirectory(running)), "its files are gone once it has stopped");

        // The queue goes on: the deleted queued run's request was skipped, a new run trains.
        Map<String, Object> next = Api.tinyRun(1);
        next.put("dryRun", true);
        Api.awaitStatus(Api.submit(next), "COMPLETED", Duration.ofSeconds(90));
    }

    @Test
    void uploadedDatasetsCanBeDeletedUnlessInUseAndCountAgainstTheQuota() throws IOException {
        Path corpus = new SampleCorpus(12, 3, 4000, 800, 800, 7).writeTo(tmp.resolve("small"));
        String name = "doomed-" + UUID.randomUUID().toString().substring(0, 8);
        Api.upload(name, corpus).post("/api/datasets").then().statusCode(201).body("uploaded", equalTo(true));

        UUID blocker = Api.submit(Api.tinyRun(10_000));
        Api.awaitStatus(blocker, "RUNNING", Duration.ofSeconds(90));
        Map<String, Object> body = Api.tinyRun(1);
        body.put("dataset", name);
        UUID user = Api.submit(body);
        given().delete("/api/datasets/" + name).then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString(user.toString()));
        given().delete("/api/runs/" + user).then().statusCode(204);
        given().delete("/api/runs/" + blocker).then().statusCode(202);

        given().delete("/api/datasets/" + name).then().statusCode(204);
        given().get("/api/datasets/" + name).then().statusCode(404);
        given().get("/api/datasets").then().body("name", not(hasItem(name)));
        given().delete("/api/datasets/sample").then().statusCode(409);
        given().delete("/api/datasets/no-such-dataset").then().statusCode(404);

        // The test profile's quota is 2 MB: a 1.4 MB corpus fits once, not twice.
        Path big = new SampleCorpus(12, 3, 450_000, 800, 800, 8).writeTo(tmp.resolve("big"));
        String first = "big-" + UUID.randomUUID().toString().substring(0, 8);
        Api.upload(first, big).post("/api/datasets").then().statusCode(201);
        Api.upload("big-" + UUID.randomUUID().toString().substring(0, 8), big).post("/api/datasets").then().statusCode(413)
                .body("detail", org.hamcrest.Matchers.containsString("quota"));
        given().delete("/api/datasets/" + first).then().statusCode(204);
    }

    @Test
    void theSweepRemovesWhatACrashLeftBehind() throws IOException {
        Path orphan = files.runDirectory(UUID.randomUUID());
        Files.createDirectories(orphan);
        Files.writeString(orphan.resolve("best.wlm"), "left by a crash between deleting the row and the files");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minusSeconds(60)));
        Path fresh = files.runDirectory(UUID.randomUUID());
        Files.createDirectories(fresh); // as made by a run created after the sweep read the runs: left alone

        assertTrue(sweep.sweep() >= 1);
        assertFalse(Files.exists(orphan), "a run directory without a run is removed");
        assertTrue(Files.exists(fresh), "a directory younger than the sweep is left alone");
        Files.delete(fresh);
    }

    private List<String> publishedFiles(UUID run) {
        try (Stream<Path> list = Files.list(files.runDirectory(run))) {
            return list.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9a-f-]{36}\\.wlm")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
