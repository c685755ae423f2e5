package dev.wordlm.trainer.checkpoint;

import dev.wordlm.model.ModelConfig;
import java.time.Instant;
import java.util.UUID;

/** A best checkpoint: what it is, how to check it (sha256, size) and where to download it. */
public record CheckpointView(UUID id, UUID runId, int epoch, double validLoss, Double validPerplexity, String sha256,
                             long sizeBytes, ModelConfig model, String downloadUrl, Instant createdAt) {
}
