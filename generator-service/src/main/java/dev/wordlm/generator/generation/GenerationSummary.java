package dev.wordlm.generator.generation;

import dev.wordlm.generator.model.CheckpointRef;
import java.time.Duration;

/**
 * How a generation went.
 *
 * @param words      words generated
 * @param seed       the seed used (drawn when the request gave none), to reproduce the text
 * @param checkpoint the checkpoint that generated every word, even if another was swapped in meanwhile
 * @param queued     from admission to the first step on a worker
 * @param generating from the first step to the last word
 */
record GenerationSummary(int words, long seed, CheckpointRef checkpoint, Duration queued, Duration generating) {

    Duration total() {
        return queued.plus(generating);
    }

    double wordsPerSecond() {
        double seconds = generating.toNanos() / 1e9;
        return seconds > 0 ? words / seconds : 0;
    }
}
