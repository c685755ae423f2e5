package dev.wordlm.generator.model;

import java.time.Instant;
import java.util.UUID;

/** The last checkpoint this replica refused to serve, and why. */
public record Rejection(UUID checkpointId, String reason, String message, Instant at) {
}
