package dev.wordlm.generator.generation;

import dev.wordlm.generator.model.CheckpointRef;
import java.util.UUID;

/** Which checkpoint served a response (also sent as the X-Model-Checkpoint and X-Model-Run headers). */
public record ModelTag(UUID checkpointId, UUID runId, int epoch) {
    public static final String CHECKPOINT_HEADER = "X-Model-Checkpoint";
    public static final String RUN_HEADER = "X-Model-Run";

    static ModelTag of(CheckpointRef ref) {
        return new ModelTag(ref.checkpointId(), ref.runId(), ref.epoch());
    }

    String runHeader() {
        return runId == null ? "" : runId.toString();
    }
}
