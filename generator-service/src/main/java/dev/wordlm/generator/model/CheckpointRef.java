package dev.wordlm.generator.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A checkpoint as the trainer's REST API describes it (never as an event claims it): enough to choose it, download it
 * and verify the download.
 *
 * @param sha256      sha256 of the whole file, lower-case hex
 * @param downloadUrl relative to {@code wordlm.trainer-url}, or absolute on the same origin
 * @param createdAt   when the trainer recorded it; orders checkpoints for {@link Selection#NEWEST}, may be null
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

    /** Where the trainer serves this checkpoint's file when no link was given. */
    public String downloadPath() {
        return downloadUrl != null && !downloadUrl.isBlank() ? downloadUrl : "api/checkpoints/" + checkpointId + "/content";
    }
}
