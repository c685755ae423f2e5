package dev.wordlm.trainer.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import dev.wordlm.trainer.support.KafkaBroker;
import dev.wordlm.trainer.support.LocalPostgres;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The console's pages and assets are served to a browser without a token (the API behind them still asks for one),
 * and the new-run form carries the options' defaults and ranges.
 */
@QuarkusTest
@WithTestResource(LocalPostgres.class)
@WithTestResource(KafkaBroker.class)
class ConsolePagesTest {

    @Test
    void everyPageIsHtmlWithoutAToken() {
        for (String page : new String[] {"/", "/new", "/compare", "/datasets",
                "/runs/00000000-0000-0000-0000-000000000001"}) {
            given().when().get(page).then().statusCode(200)
                    .contentType(startsWith("text/html"))
                    .body(containsString("<html lang=\"en\">"), containsString("/console/wordlm.js"),
                            containsString("id=\"token\""), containsString("href=\"http://localhost:8081/\""));
        }
    }

    @Test
    void assetsAreServedWithoutAToken() {
        given().when().get("/console/wordlm.js").then().statusCode(200).body(containsString("text/event-stream"));
        given().when().get("/console/trainer.js").then().statusCode(200).body(containsString("/api/runs"));
        given().when().get("/console/wordlm.css").then().statusCode(200).contentType(startsWith("text/css"));
        given().when().get("/webjars/uplot/dist/uPlot.iife.min.js").then().statusCode(200).body(containsString("uPlot"));
        given().when().get("/webjars/uplot/dist/uPlot.min.css").then().statusCode(200);
    }

    @Test
    void theNewRunFormHasEveryOptionWithItsDefaultAndRange() {
        given().when().get("/new").then().statusCode(200)
                .body(containsString("id=\"f-dropout\""), containsString("value=\"0.2\""),
                        containsString("must be in [0, 1)"),
                        containsString("id=\"f-nlayers\""), containsString("min=\"1\" max=\"16\""),
                        containsString("<option selected>LSTM</option>"),
                        containsString("id=\"f-tied\""), containsString("id=\"f-logInterval\""),
                        containsString("id=\"err-dropout\""));
    }

    @Test
    void aMalformedRunIdIsNotFoundAsInTheApi() {
        given().when().get("/runs/not-a-uuid").then().statusCode(404);
    }
}
