package dev.wordlm.generator.model;

import java.time.Instant;
import java.util.UUID;

/** The last checkpoint event this replica handled and what it did with it: swapped, ignored, rejected or failed. */
public record HandledEvent(UUID checkpointId, ModelSwitcher.Outcome outcome, Instant at) {
}
