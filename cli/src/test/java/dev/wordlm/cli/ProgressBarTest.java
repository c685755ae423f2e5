package dev.wordlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.train.TrainingListener.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bar's text and when it is redrawn, on a clock the test moves. */
class ProgressBarTest {
    long now;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> now);

    String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rendersBatchesThroughputEtaAndLoss() {
        // 2 s for batches 2..11 of 40, 700 tokens each: 3,500 tok/s, 0.2 s a batch, 29 left
        String text = ProgressBar.render(new Step(3, 11, 40, 5.0, 700), 2.0, 7000, 5.4321);
        assertEquals("epoch   3 [#####...............]    11/   40 batches | 3,500 tok/s | 0:02 elapsed | ETA 0:06 "
                + "| loss  5.43", text);
        assertTrue(ProgressBar.render(new Step(1, 1, 40, 5.0, 700), 0, 0, 5.0).contains("| - tok/s | 0:00 elapsed | ETA - |"),
                "no rate from the first batch alone");
        assertEquals("1:01:05", ProgressBar.clock(3665));
        assertEquals("2:05", ProgressBar.clock(125.4));
    }

    @Test
    void redrawsInPlaceAtMostTenTimesASecondAndKeepsTheFinalState() {
        for (int b = 1; b <= 10; b++) {
            bar.onStep(new Step(1, b, 10, 4.0, 100));
            now += 30_000_000L; // 30 ms a batch
        }
        bar.onLog("-".repeat(89));
        String[] draws = out().split("\r", -1);
        // the first batch, then every 100 ms (batches 5 and 9), then the last
        assertEquals(5, draws.length, out());
        assertTrue(draws[4].startsWith("epoch   1 [####################]    10/   10 batches | 3,333 tok/s"), draws[4]);
        assertTrue(draws[4].endsWith("| loss  4.00\n" + "-".repeat(89) + "\n"), "the bar stays, the log goes below: " + draws[4]);
    }

    @Test
    void anIntervalRestartsTheLossAndAShorterTextBlanksTheRest() {
        bar.onStep(new Step(1, 1, 3, 9.0, 100));
        bar.onIntervalLog("| epoch   1 | ...");
        now += 1_000_000_000L;
        bar.onStep(new Step(1, 2, 3, 3.0, 100));
        assertTrue(out().endsWith("| loss  3.00"), "the mean since the interval: " + out());
        now += 1_000_000_000L;
        bar.onStep(new Step(2, 1, 3, 2.0, 100)); // a new epoch ends the old bar where it was
        String[] lines = out().split("\n", -1);
        assertEquals(2, lines.length, out());
        assertTrue(lines[0].endsWith("2/    3 batches | 100 tok/s | 0:01 elapsed | ETA 0:01 | loss  3.00"), lines[0]);
        assertTrue(lines[1].startsWith("\repoch   2 ["), lines[1]);
    }
}
