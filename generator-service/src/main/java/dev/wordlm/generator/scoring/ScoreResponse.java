package dev.wordlm.generator.scoring;

import java.util.UUID;

/**
 * The perplexity of a text under the served model.
 *
 * @param tokens  tokens predicted (all but the first; a line end counts as one)
 * @param unknown words mapped to {@code <unk>}
 * @param loss    mean cross-entropy per token, in nats
 */
public record ScoreResponse(int tokens, int unknown, double loss, double perplexity, UUID checkpointId, UUID runId,
                            double millis) {
}
