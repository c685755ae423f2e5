package dev.wordlm.trainer;

import dev.wordlm.trainer.support.Api;
import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.LocalPostgres;
import dev.wordlm.trainer.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is a 400 naming each bad field, an unknown id a 404, both JSON; never a 500. No run is created. */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class RunValidationTest {
    @TestHTTPResource("/api/runs")
    java.net.URI runs;


    private static final String PROBLEM = "application/problem+json";

    private long runsBefore;

    /** All runs, whatever their status: every test checks that it created none. */
    private static long runs() {
        return given().queryParam("size", 1).when().get("/api/runs").then().statusCode(200)
                .extract().jsonPath().getLong("total");
    }

    @BeforeEach
    void countRuns() {
        TestTokens.asAdmin();
        runsBefore = runs();
    }

    @AfterEach
    void noRunWasCreated() {
        assertEquals(runsBefore, runs(), "runs in the database");
    }

    private static ValidatableResponse post(Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/runs").then()
                .contentType("application/problem+json");
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> body = Api.tinyRun(1);
        body.put(key, value);
        return body;
    }

    @Test
    void outOfRangeValuesAreNamedWithTheCliMessages() {
        Map<String, Object> body = Api.tinyRun(1);
        body.put("emsize", 0);
        body.put("nlayers", 17);
        body.put("lr", -1);
        body.put("dropout", 1.0);
        body.put("epochs", 0);
        post(body).statusCode(400)
                .body("status", equalTo(400))
                .body("errors.field", hasItems("emsize", "nlayers", "lr", "dropout", "epochs"))
                .body("errors.find { it.field == 'emsize' }.message", equalTo("must be between 1 and 8192, got 0"))
                .body("errors.find { it.field == 'dropout' }.message", equalTo("must be in [0, 1), got 1.0"))
                .body("errors.field", not(hasItem("nhid")));
    }

    @Test
    void tiedNeedsEqualSizes() {
        Map<String, Object> body = with("tied", true);
        body.put("nhid", 32);
        post(body).statusCode(400)
                .body("errors", hasSize(1))
                .body("errors[0].field", equalTo("tied"))
                .body("errors[0].message", containsString("nhid must be equal to emsize"));
    }

    @Test
    void unknownModelTypeListsTheKnownOnes() {
        post(with("model", "CNN")).statusCode(400)
                .body("errors[0].field", equalTo("model"))
                .body("errors[0].message", containsString("RNN_TANH, RNN_RELU, LSTM, GRU, TRANSFORMER"));
    }

    @Test
    void datasetMustBeAKnownNameInsideTheDataRoot() {
        post(with("dataset", "no-such-corpus")).statusCode(400)
                .body("errors[0].field", equalTo("dataset"))
                .body("errors[0].message", containsString("unknown dataset 'no-such-corpus'"))
                .body("errors[0].message", containsString("sample"));
        post(with("dataset", "../../etc")).statusCode(400)
                .body("errors[0].field", equalTo("dataset"))
                .body("errors[0].message", containsString("is not a dataset name"));
        Map<String, Object> missing = Api.tinyRun(1);
        missing.remove("dataset");
        post(missing).statusCode(400).body("errors[0].field", equalTo("dataset"));
    }

    @Test
    void cudaIsRefusedWhereThereIsNoGpu() {
        post(with("cuda", true)).statusCode(400).body("errors[0].field", equalTo("cuda"));
    }

    @Test
    void wrongTypesAndUnknownFieldsAreNamed() {
        post(with("emsize", "big")).statusCode(400)
                .body("errors[0].field", equalTo("emsize"))
                .body("errors[0].message", equalTo("must be an integer"));
        post(with("emSize", 16)).statusCode(400)
                .body("errors[0].field", equalTo("emSize"))
                .body("errors[0].message", containsString("unknown field"));
        post(with("tied", "maybe")).statusCode(400).body("errors[0].field", equalTo("tied"));
    }

    @Test
    void malformedOrMissingBodiesAreRejected() {
        post("{\"dataset\": \"sample\",").statusCode(400).body("errors[0].field", equalTo("body"));
        post("[1, 2]").statusCode(400).body("errors[0].field", equalTo("body"));
        given().contentType(ContentType.JSON).when().post("/api/runs").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("body"));
    }

    @Test
    void unknownOrMalformedRunIdsAre404Json() {
        UUID unknown = UUID.randomUUID();
        for (String path : new String[] {"/api/runs/" + unknown, "/api/runs/" + unknown + "/metrics",
                "/api/runs/not-a-uuid", "/api/runs/" + unknown + "/events"}) {
            given().when().get(path).then().statusCode(404).contentType(PROBLEM)
                    .body("status", equalTo(404)).body("type", equalTo("urn:wordlm:problem:not-found"));
        }
        given().when().post("/api/runs/" + unknown + "/cancel").then().statusCode(404).contentType(PROBLEM);
        given().when().get("/api/checkpoints/" + unknown).then().statusCode(404).contentType(PROBLEM);
        given().when().get("/api/checkpoints/" + unknown + "/content").then().statusCode(404);
    }

    /** A chunked body announces no size, so a JSON route refuses it before reading (411): only uploads take one. */
    @Test
    void aChunkedBodyOnAJsonRouteIsRefusedUnread() throws Exception {
        byte[] json = "{\"dataset\":\"sample\",\"epochs\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(runs)
                .header("Authorization", TestTokens.adminHeader()).header("Content-Type", "application/json")
                // no known length: the client sends it chunked
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(json)))
                .build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(411, response.statusCode(), response.body());
        assertEquals(PROBLEM, response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(response.body().contains("\"field\":\"Content-Length\""), response.body());
    }

    /** A 405 names no route template, so its caller-chosen path must not become a metric tag. */
    @Test
    void methodNotAllowedIsAProblemAndItsPathNoMetricTag() {
        String marker = "m" + UUID.randomUUID().toString().replace("-", "");
        given().when().patch("/api/runs/" + marker).then().statusCode(405).contentType(PROBLEM)
                .body("status", equalTo(405));
        given().when().put("/api/checkpoints/" + marker + "/content").then().statusCode(405).contentType(PROBLEM);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertFalse(metrics.contains(marker), "a raw path in the metrics");
    }

    @Test
    void listParametersAreValidated() {
        given().queryParam("status", "BOGUS").when().get("/api/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("status"));
        given().queryParam("size", 0).when().get("/api/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("size"));
        given().queryParam("page", "x").when().get("/api/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("page"));
        given().queryParam("page", Integer.MAX_VALUE).queryParam("size", 100).when().get("/api/runs").then()
                .statusCode(400).contentType(PROBLEM).body("errors[0].field", equalTo("page"));
    }

    /** Values a lenient reader would coerce, truncate or drop are each a 400 naming the field. */
    @Test
    void nothingIsCoercedOrSilentlyDropped() {
        for (Object[] c : new Object[][] {{"emsize", 1.5}, {"batchSize", 1.5}, {"lr", 1e308}, {"clip", 1e300},
                {"decay", 1e308}, {"dropout", 1.5}, {"tied", 1}, {"name", 5}, {"model", "lstm"},
                {"model", "LSTM\u0000"}, {"name", "a\u0000b"}, {"name", "\ud800"}, {"seed", "1"},
                {"emsize", 1e30}}) {
            post(with((String) c[0], c[1])).statusCode(400)
                    .body("type", equalTo("urn:wordlm:problem:invalid-request"))
                    .body("errors.field", hasItem(c[0]))
                    .body(not(containsString("Exception"))).body(not(containsString("Feature")));
        }
        String good = "{\"dataset\": \"sample\", \"epochs\": 1}";
        post(good + " {}").statusCode(400).body("errors[0].field", equalTo("body"));
        post(good + " x").statusCode(400).body("errors[0].field", equalTo("body"));
        post("{\"dataset\": \"sample\", \"batchSize\": 2, \"batchSize\": 3}").statusCode(400)
                .body("errors[0].field", equalTo("batchSize"));
        post("{\"dataset\": \"sample\", \"batch_size\": 2, \"batchSize\": 3}").statusCode(400)
                .body("errors[0].field", equalTo("batch_size"));
        post(with("lr", 1e308)).body("errors[0].message", containsString("1000"));
    }

    /** JSON only as JSON: a body without a Content-Type is not guessed at. */
    @Test
    void aBodyNeedsItsContentType() throws Exception {
        java.net.http.HttpResponse<String> bare = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port
                        + "/api/runs")).header("Authorization", "Bearer " + TestTokens.ADMIN)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"dataset\": \"sample\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(415, bare.statusCode(), bare.body());
        assertEquals(PROBLEM, bare.headers().firstValue("Content-Type").orElse(""));
        given().contentType(ContentType.TEXT).body("{}").when().post("/api/runs").then().statusCode(415)
                .contentType(PROBLEM).body(not(containsString("Consumes")));
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/runs"));
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }

    /** The request schema's defaults, ranges and choices are the CLI's, from the one list of options. */
    @Test
    void runRequestSchemaComesFromTheOptions() {
        io.restassured.path.json.JsonPath doc = given().queryParam("format", "json").when().get("/q/openapi").then()
                .statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> props = doc.getMap("components.schemas.RunRequest.properties");
        for (var h : dev.wordlm.train.TrainOptions.ALL) {
            Map<String, Object> p = props.get(h.name());
            org.junit.jupiter.api.Assertions.assertNotNull(p, h.name() + " in " + props.keySet());
            Object shown = p.get("default");
            if (shown instanceof Number n) {
                double expected = Double.parseDouble(h.formattedDefault());
                // JsonPath reads numbers as float
                assertEquals(expected, n.doubleValue(), 1e-6 * Math.max(1, Math.abs(expected)), h.name());
            } else {
                assertEquals(h.formattedDefault(), String.valueOf(shown), h.name());
            }
            org.junit.jupiter.api.Assertions.assertNotNull(p.get("description"), h.name());
        }
        assertEquals(1, ((Number) props.get("emsize").get("minimum")).intValue());
        assertEquals(8192, ((Number) props.get("emsize").get("maximum")).intValue());
        assertEquals(0, ((Number) props.get("lr").get("exclusiveMinimum")).intValue());
        assertEquals(1, ((Number) props.get("dropout").get("exclusiveMaximum")).intValue());
        assertEquals(java.util.List.of("RNN_TANH", "RNN_RELU", "LSTM", "GRU", "TRANSFORMER"), props.get("model").get("enum"));
        assertEquals(1000, ((Number) props.get("lr").get("maximum")).intValue());
        java.util.List<Map<String, Object>> paging = doc.getList("paths.'/api/runs'.get.parameters");
        Map<String, Object> page = paging.stream().filter(p -> "page".equals(p.get("name"))).findFirst().orElseThrow();
        assertEquals(1_000_000, ((Number) ((Map<?, ?>) page.get("schema")).get("maximum")).intValue());
    }
}
