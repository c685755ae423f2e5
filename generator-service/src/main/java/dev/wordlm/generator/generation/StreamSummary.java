package dev.wordlm.generator.generation;

/** The data of the final {@code done} event of a stream. */
public record StreamSummary(int count, long seed, ModelTag model, Timings timings) {
}
