package dev.wordlm.generator.generation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Gathers all words for a single response. */
final class CollectingSink implements WordSink {
    /** The words and how they were made. */
    record Collected(List<String> words, GenerationSummary summary) {
    }

    private final List<String> words;
    private final CompletableFuture<Collected> result = new CompletableFuture<>();

    CollectingSink(int expectedWords) {
        this.words = new ArrayList<>(expectedWords);
    }

    CompletableFuture<Collected> result() {
        return result;
    }

    @Override
    public void word(int index, String word) {
        words.add(word);
    }

    @Override
    public void completed(GenerationSummary summary) {
        result.complete(new Collected(Collections.unmodifiableList(words), summary));
    }

    @Override
    public void failed(Throwable error) {
        result.completeExceptionally(error);
    }
}
