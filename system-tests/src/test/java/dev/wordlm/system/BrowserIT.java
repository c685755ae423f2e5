package dev.wordlm.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Both consoles in a real headless Chromium, against the packaged services, Kafka and PostgreSQL as processes
 * ({@link Stack}): the new-run form shows the API's field error and creates nothing; a good run appears in the
 * table and its curve gains a point per epoch while the page watches; Cancel stops another run; the playground
 * streams words from the served model; no page logs a console error. Screenshots go to
 * system-tests/target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {
    static final String TRAINER = SystemIT.TRAINER;
    static final String GENERATOR = SystemIT.GENERATOR;
    /** Small and quick on two shared cores: a few seconds per epoch on the sample dataset. */
    static final String TINY = "\"dataset\":\"sample\",\"emsize\":16,\"nhid\":16,\"nlayers\":1";
    static Stack stack;
    static Browser browser;
    static String goodRun;
    /** Console errors a test expects (the API's refusal it provokes); anything else fails it. */
    private final List<String> expectedErrors = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        stack = new Stack();
        stack.start();
        browser = Browser.start(stack.root.resolve("system-tests/target/screenshots"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void noUnexpectedConsoleErrors() {
        List<String> errors = browser.consoleErrors().stream()
                .filter(e -> expectedErrors.stream().noneMatch(e::contains)).toList();
        assertEquals(List.of(), errors, "console errors");
    }

    @Test
    @Order(1)
    void refusalsAndABadValueAreShownOnTheFormAndCreateNoRun() throws Exception {
        long before = Http.get(TRAINER + "/api/runs").json().get("total").asLong();
        expectedErrors.add("/api/runs - Failed to load resource: the server responded with a status of 401");
        expectedErrors.add("/api/runs - Failed to load resource: the server responded with a status of 403");
        browser.driver.get(TRAINER + "/new");
        browser.driver.findElement(By.id("token-forget")).click();
        browser.driver.findElement(By.id("submit-run")).click();
        browser.until(d -> d.findElement(By.id("form-error")).getText().startsWith("401 Unauthorized"),
                Duration.ofSeconds(10));
        browser.open(TRAINER + "/new", Stack.USER_TOKEN);
        browser.driver.findElement(By.id("submit-run")).click();
        browser.until(d -> d.findElement(By.id("form-error")).getText().startsWith("403 Forbidden"),
                Duration.ofSeconds(10));

        browser.open(TRAINER + "/new", Stack.ADMIN_TOKEN);
        WebElement dropout = browser.driver.findElement(By.id("f-dropout"));
        assertEquals("0.2", dropout.getAttribute("value"), "the default comes from TrainOptions");
        dropout.clear();
        dropout.sendKeys("1.5");
        expectedErrors.add("/api/runs - Failed to load resource: the server responded with a status of 400");
        browser.driver.findElement(By.id("submit-run")).click();
        String error = browser.until(d -> {
            String t = d.findElement(By.id("err-dropout")).getText();
            return t.isEmpty() ? null : t;
        }, Duration.ofSeconds(10));
        assertTrue(error.contains("must be in [0, 1)"), error);
        assertEquals("true", dropout.getAttribute("aria-invalid"));
        assertEquals("", browser.text("err-nhid"), "only the bad field is marked");
        assertEquals(before, Http.get(TRAINER + "/api/runs").json().get("total").asLong(), "no run was created");
        browser.screenshot("trainer-new-run-error");
    }

    @Test
    @Order(2)
    void aGoodRunAppearsInTheTableAndItsCurveGainsAPointPerEpoch() throws Exception {
        browser.open(TRAINER + "/new", Stack.ADMIN_TOKEN);
        set("f-name", "browser-good");
        set("f-epochs", "3");
        set("f-emsize", "16");
        set("f-nhid", "16");
        set("f-nlayers", "1");
        set("f-logInterval", "2");
        browser.driver.findElement(By.id("submit-run")).click();
        browser.until(d -> d.getCurrentUrl().contains("/runs/"), Duration.ofSeconds(15));
        goodRun = browser.driver.findElement(By.id("run")).getAttribute("data-run-id");
        assertEquals("browser-good", SystemIT.run(goodRun).get("name").asText());

        // Watch the curve: one point more per epoch, each seen while the run trains.
        TreeSet<Integer> seen = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!seen.contains(3) && System.nanoTime() < deadline) {
            String points = browser.driver.findElement(By.id("epoch-chart")).getAttribute("data-points");
            if (points != null) {
                seen.add(Integer.parseInt(points));
            }
            Thread.sleep(100);
        }
        assertTrue(seen.containsAll(List.of(1, 2, 3)), "epoch points seen: " + seen);
        browser.until(d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"), Duration.ofMinutes(1));
        String batches = browser.driver.findElement(By.id("batch-chart")).getAttribute("data-points");
        assertTrue(batches != null && Integer.parseInt(batches) >= 3, "batch loss points: " + batches);
        assertEquals(3, browser.driver.findElements(By.cssSelector("#epochs tbody tr")).size());
        browser.until(d -> !d.findElements(By.cssSelector("#checkpoints tbody tr")).isEmpty(), Duration.ofSeconds(10));
        assertTrue(browser.text("run-test").matches("[0-9.]+"), "test perplexity: " + browser.text("run-test"));
        browser.screenshot("trainer-run");

        browser.driver.get(TRAINER + "/");
        WebElement row = browser.until(d -> d.findElement(By.cssSelector("#runs tr[data-run-id='" + goodRun + "']")),
                Duration.ofSeconds(10));
        assertTrue(row.getText().contains("COMPLETED") && row.getText().contains("3 of 3"), row.getText());
        browser.screenshot("trainer-runs");
        browser.phoneScreenshot("trainer-runs-phone");
    }

    @Test
    @Order(3)
    void cancelStopsAnotherRun() throws Exception {
        String id = SystemIT.postRun("{\"name\":\"browser-cancel\"," + TINY + ",\"epochs\":500}");
        browser.open(TRAINER + "/runs/" + id, Stack.ADMIN_TOKEN);
        browser.until(d -> !d.findElement(By.id("run-status")).getText().isEmpty(), Duration.ofSeconds(10));
        browser.driver.findElement(By.id("cancel")).click();
        browser.until(d -> d.findElement(By.id("run-status")).getText().startsWith("CANCELLED"), Duration.ofMinutes(1));
        assertEquals("CANCELLED", SystemIT.run(id).get("status").asText());
        assertTrue(browser.driver.findElement(By.id("cancel")).getAttribute("disabled") != null);
    }

    @Test
    @Order(4)
    void compareAndDatasetPages() throws Exception {
        String other = SystemIT.postRun("{\"name\":\"browser-compare\"," + TINY + ",\"epochs\":1}");
        SystemIT.awaitStatus(other, "COMPLETED", Duration.ofMinutes(2));
        browser.open(TRAINER + "/compare?run=" + goodRun + "," + other, Stack.ADMIN_TOKEN);
        browser.until(d -> "3".equals(d.findElement(By.id("valid-chart")).getAttribute("data-points")),
                Duration.ofSeconds(10));
        assertEquals(2, browser.driver.findElements(By.cssSelector("#compared tbody tr")).size());
        browser.screenshot("trainer-compare");

        // Upload three small files through the form; the catalogue then lists the new dataset.
        browser.driver.get(TRAINER + "/datasets");
        browser.until(d -> d.findElement(By.id("datasets")).getText().contains("sample"), Duration.ofSeconds(10));
        Path files = java.nio.file.Files.createTempDirectory(stack.work, "upload");
        // The stack's data folder outlives a run of the tests: a new name each time.
        String name = "browser-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        set("f-name", name);
        for (String split : List.of("train", "valid", "test")) {
            Path file = files.resolve(split + ".txt");
            java.nio.file.Files.writeString(file, "the cat sat on the mat\nthe dog sat on the log\n".repeat(20));
            browser.driver.findElement(By.id("f-" + split)).sendKeys(file.toString());
        }
        browser.driver.findElement(By.cssSelector("#upload-form button[type=submit]")).click();
        browser.until(d -> d.findElement(By.id("upload-state")).getText().contains(name), Duration.ofSeconds(20));
        browser.until(d -> d.findElement(By.id("datasets")).getText().contains(name), Duration.ofSeconds(10));
        assertEquals(200, Http.get(TRAINER + "/api/datasets/" + name).status());
        browser.screenshot("trainer-datasets");
    }

    @Test
    @Order(5)
    void thePlaygroundStreamsWordsFromTheServedModel() throws Exception {
        SystemIT.awaitServed("runId", newestRunWithACheckpoint(), Duration.ofMinutes(1));
        browser.open(GENERATOR + "/", Stack.USER_TOKEN);
        browser.until(d -> d.findElement(By.id("m-loaded")).getText().equals("serving"), Duration.ofSeconds(15));
        set("f-words", "3000");
        set("f-seed", "7");
        browser.driver.findElement(By.id("generate")).click();
        // Word by word: counts between none and all are seen while it streams.
        TreeSet<Integer> seen = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        WebElement out = browser.driver.findElement(By.id("generated"));
        while (!"true".equals(out.getAttribute("data-done")) && System.nanoTime() < deadline) {
            String words = out.getAttribute("data-words");
            if (words != null) {
                seen.add(Integer.parseInt(words));
            }
            Thread.sleep(50);
        }
        assertEquals("true", out.getAttribute("data-done"), "the stream ended with its done event");
        assertEquals("3000", out.getAttribute("data-words"));
        assertTrue(seen.stream().anyMatch(n -> n > 0 && n < 3000), "intermediate word counts: " + seen);
        assertTrue(browser.text("gen-stats").contains("words/s"), browser.text("gen-stats"));
        assertTrue(out.getText().split("\\s+").length >= 3000, "the words are on the page");

        // Words the served model knows: some of those it generated.
        String[] generated = out.getText().trim().split("\\s+");
        set("score-text", String.join(" ", java.util.Arrays.copyOf(generated, 40)));
        browser.driver.findElement(By.cssSelector("#score-form button[type=submit]")).click();
        browser.until(d -> d.findElement(By.id("score-result")).getText().startsWith("perplexity"),
                Duration.ofSeconds(20));
        browser.screenshot("generator");
        browser.phoneScreenshot("generator-phone");

        // Choosing what is served needs the admin token; the page then says the new choice.
        browser.open(GENERATOR + "/", Stack.ADMIN_TOKEN);
        browser.driver.findElement(By.cssSelector("#choose-form input[value=best]")).click();
        browser.driver.findElement(By.cssSelector("#choose-form button[type=submit]")).click();
        browser.until(d -> d.findElement(By.id("m-choice")).getText().equals("best"), Duration.ofSeconds(30));
        assertEquals("best", Http.get(GENERATOR + "/api/model").json().get("selection").asText());
    }

    /** The run whose checkpoint is the newest: the one the generator serves by default. */
    private static String newestRunWithACheckpoint() throws Exception {
        JsonNode newest = Http.get(TRAINER + "/api/checkpoints?selection=newest&limit=1").json();
        return newest.get(0).get("runId").asText();
    }

    private void set(String id, String value) {
        WebElement field = browser.driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }
}
