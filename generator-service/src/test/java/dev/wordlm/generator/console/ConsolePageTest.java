package dev.wordlm.generator.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import dev.wordlm.generator.support.WarmProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** The generator's console page and its assets are served without a token; the playground has every sampling option. */
@QuarkusTest
@TestProfile(WarmProfile.class)
class ConsolePageTest {

    @Test
    void thePageIsHtmlWithoutATokenAndLinksToTheTrainer() {
        given().when().get("/").then().statusCode(200).contentType(startsWith("text/html"))
                .body(containsString("<html lang=\"en\">"), containsString("id=\"token\""),
                        containsString("href=\"http://localhost:8080/\""),
                        containsString("id=\"f-temperature\""), containsString("value=\"1.0\""),
                        containsString("has to be greater or equal 1e-3"), containsString("id=\"f-topP\""),
                        containsString("id=\"f-seed\""), containsString("id=\"err-words\""));
    }

    @Test
    void assetsAreServedWithoutAToken() {
        given().when().get("/console/wordlm.js").then().statusCode(200).body(containsString("getReader"));
        given().when().get("/console/generator.js").then().statusCode(200).body(containsString("/generate/stream"));
        given().when().get("/console/wordlm.css").then().statusCode(200).contentType(startsWith("text/css"));
    }
}
