package dev.wordlm.generator.model;

import dev.wordlm.generation.LanguageModel;
import java.time.Duration;
import java.time.Instant;

/**
 * A loaded checkpoint and what the service knows about it.
 *
 * @param since    when it started serving
 * @param loadTime download (or cache read), verification, loading and warm-up
 */
public record ServedModel(CheckpointRef checkpoint, LanguageModel model, Instant since, Duration loadTime) {
}
