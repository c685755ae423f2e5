package dev.wordlm.trainer.checkpoint;

import dev.wordlm.events.CheckpointReady;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.trainer.api.Perplexity;
import dev.wordlm.trainer.config.TrainerSettings;
import dev.wordlm.trainer.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Maps checkpoint rows to {@link CheckpointView}s, with absolute download links on {@code wordlm.public-url}. */
@ApplicationScoped
public class CheckpointViews {
    private final JsonCodec json;
    private final String baseUrl;

    public CheckpointViews(JsonCodec json, TrainerSettings settings) {
        this.json = json;
        this.baseUrl = settings.baseUrl();
    }

    public CheckpointView of(CheckpointRecord c) {
        return new CheckpointView(c.id, c.runId, c.epoch, c.validLoss, Perplexity.of(c.validLoss), c.sha256, c.sizeBytes,
                json.read(c.modelJson, ModelConfig.class), downloadUrl(c.id), c.createdAt);
    }

    /** The {@code checkpoints} event announcing a recorded checkpoint of {@code model}. */
    public CheckpointReady announcement(CheckpointRecord c, ModelConfig model) {
        return CheckpointReady.of(c.runId, c.id, c.epoch, Math.exp(c.validLoss), c.sha256, c.sizeBytes,
                downloadUrl(c.id), model, c.createdAt);
    }

    public String downloadUrl(UUID checkpointId) {
        return baseUrl + "/api/checkpoints/" + checkpointId + "/content";
    }
}
