package dev.wordlm.generator.generation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where a generation's words go as they are sampled: a collected response or an event stream. */
interface WordSink {
    void word(int index, String word);

    /** Completes when the consumer can take more words: the job waits for it instead of buffering without bound. */
    default CompletionStage<?> ready() {
        return CompletableFuture.completedFuture(null);
    }

    /** The consumer went away (a closed stream): stop generating. */
    default boolean cancelled() {
        return false;
    }

    /** The job stopped early (client gone or stalled): release what the sink holds. */
    default void abandoned() {
    }

    void completed(GenerationSummary summary);

    void failed(Throwable error);
}
