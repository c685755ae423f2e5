package dev.wordlm.generator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wordlm.model.ModelConfig;
import java.time.Instant;
import java.util.UUID;

/**
 * What {@code GET /api/model} reports.
 *
 * @param loaded        whether a model is served (generation answers 503 until it is)
 * @param selection     newest or best: how checkpoints are chosen (within the pinned run, if a run is pinned)
 * @param pinned        the pin set with {@code PUT /api/model}, if any
 * @param model         the served checkpoint, if any
 * @param swaps         models swapped in since start-up
 * @param lastRejection the last checkpoint refused (digest, corruption, loading), if any
 * @param lastEvent     the last checkpoint event handled, and its outcome
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelStatus(boolean loaded, Selection selection, Pin pinned, Served model, long swaps,
                          Rejection lastRejection, HandledEvent lastEvent) {

    /** A pin: one checkpoint, or the checkpoints of one run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pin(UUID checkpointId, UUID runId) {
    }

    /**
     * @param servingSince when this checkpoint started serving
     * @param loadMillis   fetch, verification, loading and warm-up
     */
    public record Served(UUID checkpointId, UUID runId, int epoch, Double validPerplexity, String sha256, long sizeBytes,
                         Instant createdAt, Instant servingSince, long loadMillis, ModelConfig architecture) {
    }

    static ModelStatus of(ServingPolicy policy, ServedModel served, long swaps, Rejection lastRejection,
                          HandledEvent lastEvent) {
        Pin pin = policy.pinned() ? new Pin(policy.pinnedCheckpoint(), policy.pinnedRun()) : null;
        Served model = null;
        if (served != null) {
            CheckpointRef c = served.checkpoint();
            model = new Served(c.checkpointId(), c.runId(), c.epoch(),
                    Double.isNaN(c.validPerplexity()) ? null : c.validPerplexity(), c.sha256(), c.sizeBytes(),
                    c.createdAt(), served.since(), served.loadTime().toMillis(), served.model().info().model());
        }
        return new ModelStatus(served != null, policy.selection(), pin, model, swaps, lastRejection, lastEvent);
    }
}
