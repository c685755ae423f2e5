package dev.wordlm.generator.model;

import java.util.UUID;

/**
 * The body of {@code PUT /api/model}, one of:
 * <ul>
 *   <li>{@code {"checkpointId": "..."}}: serve that checkpoint and nothing else until the next PUT</li>
 *   <li>{@code {"runId": "...", "selection": "best"}}: serve that run's best or newest checkpoint (default:
 *       the current selection), following its later checkpoints</li>
 *   <li>{@code {"selection": "newest"}}: unpin; serve the newest (or best) checkpoint of any run</li>
 * </ul>
 */
public record ModelChoice(UUID checkpointId, UUID runId, Selection selection) {
}
