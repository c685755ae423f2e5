package dev.wordlm.events;

/** Kafka topic names shared by the trainer and the generator. Every record is keyed by run id. */
public final class Topics {
    public static final String TRAINING_REQUESTS = "training-requests";
    public static final String EPOCH_METRICS = "epoch-metrics";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String RUN_STATUS = "run-status";
    /** Records of {@link #TRAINING_REQUESTS} that name no run, with the reason in their headers. */
    public static final String TRAINING_REQUESTS_DEAD_LETTERS = "training-requests-dead-letters";
    /** Records of {@link #CHECKPOINTS} that are not checkpoint events, with the reason in their headers. */
    public static final String CHECKPOINTS_DEAD_LETTERS = "checkpoints-dead-letters";

    private Topics() {
    }
}
