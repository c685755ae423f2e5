package dev.wordlm.events;

import dev.wordlm.train.TrainConfig;
import java.time.Instant;
import java.util.UUID;

/** A run was accepted and waits for a trainer (topic {@link Topics#TRAINING_REQUESTS}). */
public record TrainingRequested(int schemaVersion, UUID runId, String name, String dataset, TrainConfig config,
                                Instant requestedAt) {
    public static final int SCHEMA_VERSION = 1;

    public static TrainingRequested of(UUID runId, String name, String dataset, TrainConfig config, Instant requestedAt) {
        return new TrainingRequested(SCHEMA_VERSION, runId, name, dataset, config, requestedAt);
    }
}
