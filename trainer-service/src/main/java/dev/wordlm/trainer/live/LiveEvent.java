package dev.wordlm.trainer.live;

/**
 * One server-sent event of a run: {@code name} is the SSE event name ({@link #RUN}, {@link #LOG}, {@link #BATCH},
 * {@link #EPOCH}, {@link #STATUS}), {@code data} becomes its JSON data.
 */
public record LiveEvent(String name, Object data) {
    /** The run as it is when the stream opens. */
    public static final String RUN = "run";
    /** A log line in the reference's format. */
    public static final String LOG = "log";
    /** Progress every {@code logInterval} batches. */
    public static final String BATCH = "batch";
    /** An epoch ended (validated). */
    public static final String EPOCH = "epoch";
    /** The run's status changed; the stream ends after a final one. */
    public static final String STATUS = "status";

    /** @param line one line of the training log */
    public record LogLine(String line) {
    }

    /** Progress within an epoch: batch of batches, learning rate, speed and the loss of the last interval. */
    public record Batch(int epoch, int batch, int batches, double lr, double msPerBatch, double loss, Double perplexity,
                        double tokensPerSecond) {
    }
}
