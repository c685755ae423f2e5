package dev.wordlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.wordlm.corpus.SampleCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code lm train} shows and records: the reference's lines, the progress bar, the log and metrics files. */
class TrainOutputTest {
    static final Pattern INTERVAL = Pattern.compile(
            "\\| epoch +(\\d+) \\| +(\\d+)/ +(\\d+) batches \\| lr \\d+\\.\\d\\d \\| ms/batch +[0-9.]+ \\| loss +[0-9.]+ \\| ppl +[0-9.]+");
    static final List<Pattern> REFERENCE = List.of(Pattern.compile("vocab size \\(\\d+\\)"), INTERVAL,
            Pattern.compile("-{89}"), Pattern.compile("={89}"),
            Pattern.compile("\\| end of epoch +\\d+ \\| time: +[0-9.]+s \\| valid loss +[0-9.]+ \\| valid ppl +[0-9.]+"),
            Pattern.compile("\\| End of training \\| test loss +[0-9.]+ \\| test ppl +[0-9.]+"));

    @TempDir
    static Path dir;
    static Path data;
    static CliTest.Run plain;

    static String[] train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--emsize", "12", "--nhid", "12",
                "--nlayers", "1", "--batch-size", "10", "--log-interval", "5"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    /** A run as under CI: stdout is not a terminal, so {@code --progress auto} prints the reference's lines. */
    @BeforeAll
    static void trainWithoutATerminal() {
        data = new SampleCorpus(10, 3, 4000, 600, 600, 1).writeTo(dir.resolve("data"));
        plain = CliTest.run(train("--epochs", "2", "--save", dir.resolve("m.wlm").toString(),
                "--metrics-out", dir.resolve("metrics.jsonl").toString()));
        assertEquals(0, plain.exit(), plain.err());
    }

    static List<String> lines(String text) {
        return List.of(text.split("\n"));
    }

    static boolean isReferenceLine(String line) {
        return REFERENCE.stream().anyMatch(p -> p.matcher(line).matches());
    }

    @Test
    void withoutATerminalStdoutIsTheReferencesLines() {
        Assumptions.assumeTrue(System.console() == null, "the tests' stdout is a terminal");
        List<String> out = lines(plain.out());
        assertFalse(plain.out().contains("\r"), "no bar");
        assertEquals("best model saved to " + dir.resolve("m.wlm"), out.get(out.size() - 1));
        for (String line : out.subList(0, out.size() - 1)) {
            assertTrue(isReferenceLine(line), "a reference line: [" + line + "]");
        }
        assertEquals(2, out.stream().filter(l -> l.startsWith("| end of epoch")).count());
        assertTrue(out.stream().filter(l -> INTERVAL.matcher(l).matches()).count() >= 2, plain.out());
    }

    @Test
    void theLogFileHasTheReferencesLines() throws Exception {
        List<String> log = Files.readAllLines(dir.resolve("m.log"));
        List<String> out = lines(plain.out());
        assertEquals(out.subList(0, out.size() - 1), log, "what stdout showed, but the saved-model note");
        assertTrue(log.stream().allMatch(TrainOutputTest::isReferenceLine), String.join("\n", log));
    }

    @Test
    void metricsOutHasALinePerIntervalAndEpochAndTheTest() throws Exception {
        List<JsonObject> records = Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        List<String> intervals = new ArrayList<>();
        for (String line : lines(plain.out())) {
            Matcher m = INTERVAL.matcher(line);
            if (m.matches()) {
                intervals.add(m.group(1) + "/" + m.group(2) + "/" + m.group(3));
            }
        }
        List<String> recorded = new ArrayList<>();
        double seconds = 0;
        for (JsonObject r : records) {
            assertTrue(r.get("seconds").getAsDouble() >= seconds, "time goes forward: " + r);
            seconds = r.get("seconds").getAsDouble();
            switch (r.get("kind").getAsString()) {
                case "interval" -> {
                    recorded.add(r.get("epoch").getAsInt() + "/" + r.get("batch").getAsInt() + "/"
                            + r.get("batches").getAsInt());
                    assertFinite(r, "trainLoss", "lr", "msPerBatch", "tokensPerSecond");
                }
                case "epoch" -> assertFinite(r, "trainLoss", "validLoss", "lr", "nextLr", "tokensPerSecond", "epochSeconds");
                case "test" -> assertFinite(r, "testLoss");
                default -> throw new AssertionError("unknown kind: " + r);
            }
        }
        assertEquals(intervals, recorded, "one line per interval log line");
        List<String> kinds = records.stream().map(r -> r.get("kind").getAsString()).filter(k -> !k.equals("interval"))
                .toList();
        assertEquals(List.of("epoch", "epoch", "test"), kinds);
        assertEquals(2, records.stream().filter(r -> r.get("kind").getAsString().equals("epoch"))
                .mapToInt(r -> r.get("epoch").getAsInt()).max().orElseThrow());
    }

    static void assertFinite(JsonObject record, String... fields) {
        for (String f : fields) {
            assertTrue(record.has(f) && Double.isFinite(record.get(f).getAsDouble()), f + " in " + record);
            if (f.endsWith("Loss")) {
                assertTrue(record.get(f).getAsDouble() > 0, f + " in " + record);
            }
        }
    }

    @Test
    void onAForcedTerminalABarPerEpochReplacesTheIntervalLines() throws Exception {
        Path log = dir.resolve("bar.log");
        CliTest.Run r = CliTest.run(train("--epochs", "1", "--progress", "always", "--save",
                dir.resolve("bar.wlm").toString(), "--log", log.toString()));
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        int redraws = out.split("\r", -1).length - 1;
        assertTrue(redraws >= 2, "carriage-return updates: " + out);
        Matcher last = Pattern.compile("\repoch   1 \\[#{20}\\] +(\\d+)/ +(\\d+) batches \\| [0-9,]+ tok/s \\| \\d+:\\d\\d "
                + "elapsed \\| ETA 0:00 \\| loss +[0-9.]+ *\n").matcher(out);
        assertTrue(last.find(), "the bar's final state, then a new line: " + out);
        assertEquals(last.group(1), last.group(2), "all batches done");
        assertTrue(out.indexOf("| end of epoch   1 |") > last.end() - 1, "the end-of-epoch block after the bar");
        assertTrue(out.contains("| End of training | test loss"), out);
        assertFalse(lines(out).stream().anyMatch(l -> INTERVAL.matcher(l).matches()), "no interval lines on the terminal");
        List<String> logged = Files.readAllLines(log);
        assertTrue(logged.stream().anyMatch(l -> INTERVAL.matcher(l).matches()), "the log file keeps them");
        assertTrue(logged.stream().allMatch(TrainOutputTest::isReferenceLine), String.join("\n", logged));
    }

    @Test
    void progressTakesAutoAlwaysOrNever() {
        CliTest.Run r = CliTest.run(train("--progress", "sometimes"));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--progress'"), r.err());
        assertTrue(r.err().contains("AUTO, ALWAYS, NEVER") || r.err().contains("auto, always, never"), r.err());
    }
}
