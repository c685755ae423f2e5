package dev.wordlm.generator.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.time.Instant;
import java.util.UUID;

/**
 * A checkpoint record as the trainer's REST API returns it ({@code GET /api/checkpoints/{id}} and the list
 * {@code GET /api/checkpoints?selection=newest|best&limit=1}). Other fields the trainer adds are ignored.
 */
record TrainerCheckpoint(@JsonAlias("checkpointId") UUID id, UUID runId, int epoch, Double validPerplexity,
                         String sha256, long sizeBytes, String downloadUrl, @JsonAlias("at") Instant createdAt) {

    CheckpointRef toRef() {
        return new CheckpointRef(id, runId, epoch, validPerplexity == null ? Double.NaN : validPerplexity, sha256,
                sizeBytes, downloadUrl, createdAt);
    }
}
