package dev.wordlm.generator.model;

import dev.wordlm.events.CheckpointReady;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A checkpoint as the trainer publishes it, from a {@code checkpoints} event or its REST API: enough to choose it,
 * download it and verify the download.
 *
 * @param sha256      sha256 of the whole file, lower-case hex
 * @param downloadUrl absolute, or relative to {@code wordlm.trainer-url}
 * @param createdAt   when the trainer wrote it; orders checkpoints for {@link Selection#NEWEST}, may be null
 */
public record CheckpointRef(UUID checkpointId, UUID runId, int epoch, double validPerplexity, String sha256,
                            long sizeBytes, String downloadUrl, Instant createdAt) {

    public CheckpointRef {
        Objects.requireNonNull(checkpointId, "checkpointId");
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got " + sha256);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }

    public static CheckpointRef of(CheckpointReady event) {
        return new CheckpointRef(event.checkpointId(), event.runId(), event.epoch(), event.validPerplexity(), event.sha256(),
                event.sizeBytes(), event.downloadUrl(), event.at());
    }

    /** Where the trainer serves this checkpoint's file when no link was given. */
    public String downloadPath() {
        return downloadUrl != null && !downloadUrl.isBlank() ? downloadUrl : "api/checkpoints/" + checkpointId + "/content";
    }
}
