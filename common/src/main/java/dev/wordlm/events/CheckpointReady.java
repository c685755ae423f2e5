package dev.wordlm.events;

import dev.wordlm.model.ModelConfig;
import java.time.Instant;
import java.util.UUID;

/**
 * A new best checkpoint of a run can be downloaded (topic {@link Topics#CHECKPOINTS}).
 *
 * @param downloadUrl absolute URL of the checkpoint file on the trainer service
 */
public record CheckpointReady(int schemaVersion, UUID runId, UUID checkpointId, int epoch, double validPerplexity,
                              String sha256, long sizeBytes, String downloadUrl, ModelConfig model, Instant at) {
    public static final int SCHEMA_VERSION = 1;

    public static CheckpointReady of(UUID runId, UUID checkpointId, int epoch, double validPerplexity, String sha256,
                                     long sizeBytes, String downloadUrl, ModelConfig model, Instant at) {
        return new CheckpointReady(SCHEMA_VERSION, runId, checkpointId, epoch, validPerplexity, sha256, sizeBytes,
                downloadUrl, model, at);
    }
}
