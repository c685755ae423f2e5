package dev.wordlm.generator.scoring;

import java.util.UUID;

/**
 * The perplexity of a text under the served model.
 *
 * @param tokens  tokens predicted (all but the first; a line end counts as one)
 * @param unknown words mapped to {@code <unk>}
 * @param loss    mean cross-entropy per token, in nats
 * @param columns 10 when a long text was read in ten columns like the reference's evaluation, 1 when as one stream
 */
public record ScoreResponse(int tokens, int unknown, double loss, double perplexity, int columns, UUID checkpointId,
                            UUID runId, double millis) {
}
