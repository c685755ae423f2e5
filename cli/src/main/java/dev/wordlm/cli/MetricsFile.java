package dev.wordlm.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.wordlm.train.TrainingListener;

/**
 * {@code --metrics-out}: one JSON object a line for every log interval ({@code "kind":"interval"}), every epoch
 * ({@code "epoch"}) and the final test ({@code "test"}), so any tool can plot a run. {@code seconds} is the time since
 * the run started in every kind; a number that is not finite (an epoch cancelled before its first batch) is null.
 */
final class MetricsFile implements TrainingListener {
    private final LineFile file;
    private final long start = System.nanoTime();

    MetricsFile(LineFile file) {
        this.file = file;
    }

    @Override
    public void onBatch(BatchProgress p) {
        JsonObject line = record("interval");
        line.addProperty("epoch", p.epoch());
        line.addProperty("batch", p.batch());
        line.addProperty("batches", p.batches());
        line.add("trainLoss", number(p.loss()));
        line.add("lr", number(p.lr()));
        line.add("msPerBatch", number(p.msPerBatch()));
        line.add("tokensPerSecond", number(p.tokensPerSecond()));
        file.line(line.toString());
    }

    @Override
    public void onEpoch(EpochResult e) {
        JsonObject line = record("epoch");
        line.addProperty("epoch", e.epoch());
        line.add("trainLoss", number(e.trainLoss()));
        line.add("validLoss", number(e.validLoss()));
        line.add("lr", number(e.lr()));
        line.add("nextLr", number(e.nextLr()));
        line.add("tokensPerSecond", number(e.tokensPerSecond()));
        line.add("epochSeconds", number(e.seconds()));
        line.addProperty("improved", e.improved());
        file.line(line.toString());
    }

    @Override
    public void onTest(double testLoss) {
        JsonObject line = record("test");
        line.add("testLoss", number(testLoss));
        file.line(line.toString());
    }

    private JsonObject record(String kind) {
        JsonObject line = new JsonObject();
        line.addProperty("kind", kind);
        line.add("seconds", number((System.nanoTime() - start) / 1e9));
        return line;
    }

    private static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
    }
}
