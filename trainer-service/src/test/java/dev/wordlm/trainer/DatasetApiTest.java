package dev.wordlm.trainer;

import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** Datasets: the built-in sample, uploads (checked, atomic, named safely), and a run trained on an upload. */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class DatasetApiTest {

    @BeforeEach
    void authenticateAsAdmin() {
        TestTokens.asAdmin();
    }

    @TempDir
    Path tmp;

    @Test
    void theSampleIsAlwaysThere() {
        given().when().get("/api/datasets").then().statusCode(200)
                .body("find { it.name == 'sample' }.builtIn", equalTo(true));
        given().when().get("/api/datasets/sample").then().statusCode(200)
                .body("splitBytes.'train.txt'", greaterThan(100_000));
        given().when().get("/api/datasets/nope").then().statusCode(404).body("status", equalTo(404));
    }

    @Test
    void anUploadedDatasetCanBeListedAndTrainedOn() throws IOException {
        Path corpus = new SampleCorpus(12, 3, 4000, 800, 800, 7).writeTo(tmp.resolve("small"));
        String name = "upload-" + UUID.randomUUID().toString().substring(0, 8);
        Api.upload(name, corpus).post("/api/datasets").then().statusCode(201)
                .header("Location", containsString("/api/datasets/" + name))
                .body("name", equalTo(name))
                .body("builtIn", equalTo(false));
        given().when().get("/api/datasets").then().statusCode(200).body("name", hasItem(name));

        Api.upload(name, corpus).post("/api/datasets").then().statusCode(409);
        Api.upload("sample", corpus).post("/api/datasets").then().statusCode(409);

        Map<String, Object> body = Api.tinyRun(1);
        body.put("dataset", name);
        body.put("batchSize", 10);
        body.put("bptt", 10);
        UUID run = Api.submit(body);
        Api.awaitStatus(run, "COMPLETED", Duration.ofSeconds(90));
    }

    @Test
    void badUploadsNameTheBadParts() throws IOException {
        Path good = new SampleCorpus(12, 3, 400, 100, 100, 7).writeTo(tmp.resolve("good"));
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        Path blank = Files.writeString(tmp.resolve("blank.txt"), " \n\n\t\n");
        given().multiPart("name", "bad-one")
                .multiPart("train", latin1.toFile(), "text/plain")
                .multiPart("valid", blank.toFile(), "text/plain")
                .when().post("/api/datasets").then().statusCode(400)
                .body("errors.find { it.field == 'train' }.message", containsString("not valid UTF-8"))
                .body("errors.find { it.field == 'valid' }.message", containsString("empty"))
                .body("errors.find { it.field == 'test' }.message", containsString("required"));
        Api.upload("../escape", good).post("/api/datasets").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Api.upload("Upper", good).post("/api/datasets").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        given().when().get("/api/datasets").then().body("name", not(hasItem("bad-one")));
    }
}
