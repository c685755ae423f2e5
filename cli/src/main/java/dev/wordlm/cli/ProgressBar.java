package dev.wordlm.cli;

import dev.wordlm.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code lm train} on a terminal: the reference's log lines, but instead of a line every {@code logInterval} batches,
 * one bar per epoch redrawn in place with a carriage return:
 * {@code epoch   1 [#######.............]   420/ 1327 batches | 9,876 tok/s | 0:21 elapsed | ETA 0:46 | loss  5.43}.
 * The loss is the mean over the batches since the last interval, as the interval lines report it. The next log line
 * (the end-of-epoch block) leaves the bar on screen in its final state.
 */
final class ProgressBar implements TrainingListener {
    static final int WIDTH = 20;
    /** Ten redraws a second looks continuous and costs nothing next to a batch. */
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final LongSupplier nanoTime;

    private Step current;       // the epoch's latest step; null before the first
    private Step drawn;         // the step the bar on screen shows; null when no bar is on screen
    private long epochStart;    // when the epoch's first step ended: rates count from there
    private long tokensSinceFirst;
    private double intervalLoss;
    private int intervalSteps;
    private long lastDraw;
    private int drawnLength;

    ProgressBar(PrintStream out, LongSupplier nanoTime) {
        this.out = out;
        this.nanoTime = nanoTime;
    }

    @Override
    public void onLog(String line) {
        endBar();
        out.println(line);
    }

    @Override
    public void onIntervalLog(String line) {
        intervalLoss = 0; // the bar shows this interval's figures; the line itself goes to the log file only
        intervalSteps = 0;
    }

    @Override
    public void onStep(Step step) {
        long now = nanoTime.getAsLong();
        boolean newEpoch = current == null || step.epoch() != current.epoch();
        if (newEpoch) {
            endBar();
            epochStart = now;
            tokensSinceFirst = 0;
            intervalLoss = 0;
            intervalSteps = 0;
        } else {
            tokensSinceFirst += step.tokens();
        }
        current = step;
        intervalLoss += step.loss();
        intervalSteps++;
        if (newEpoch || step.batch() == step.batches() || now - lastDraw >= REDRAW_NANOS) {
            draw(now);
        }
    }

    /** Draws the latest state if the screen lags behind, then ends the bar's line. */
    private void endBar() {
        if (drawn == null) {
            return;
        }
        if (drawn != current) {
            draw(nanoTime.getAsLong());
        }
        out.println();
        out.flush();
        drawn = null;
        drawnLength = 0;
    }

    private void draw(long now) {
        String text = render(current, (now - epochStart) / 1e9, tokensSinceFirst,
                intervalSteps == 0 ? Double.NaN : intervalLoss / intervalSteps);
        // the padding blanks whatever a longer previous text left on the line
        out.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        out.flush();
        drawn = current;
        drawnLength = text.length();
        lastDraw = now;
    }

    /**
     * @param seconds since the epoch's first batch ended
     * @param tokens  trained on since then: throughput and ETA need at least one batch after the first
     */
    static String render(Step step, double seconds, long tokens, double loss) {
        int filled = (int) ((long) WIDTH * step.batch() / step.batches());
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        boolean timed = step.batch() > 1 && seconds > 0;
        String rate = timed ? String.format(Locale.ROOT, "%,.0f tok/s", tokens / seconds) : "- tok/s";
        String eta = timed ? clock(seconds / (step.batch() - 1) * (step.batches() - step.batch())) : "-";
        return String.format(Locale.ROOT, "epoch %3d [%s] %5d/%5d batches | %s | %s elapsed | ETA %s | loss %5.2f",
                step.epoch(), bar, step.batch(), step.batches(), rate, clock(seconds), eta, loss);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
