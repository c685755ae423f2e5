package dev.wordlm.generator.model;

import java.util.UUID;

/**
 * What this replica serves: a selection ({@code newest} or {@code best}), optionally pinned to one checkpoint or to
 * the checkpoints of one run (then the selection applies within that run). Pins live in memory, per replica.
 */
public record ServingPolicy(Selection selection, UUID pinnedCheckpoint, UUID pinnedRun) {

    public ServingPolicy {
        if (selection == null) {
            throw new IllegalArgumentException("selection is required");
        }
        if (pinnedCheckpoint != null && pinnedRun != null) {
            throw new IllegalArgumentException("pin a checkpoint or a run, not both");
        }
    }

    public static ServingPolicy follow(Selection selection) {
        return new ServingPolicy(selection, null, null);
    }

    public boolean pinned() {
        return pinnedCheckpoint != null || pinnedRun != null;
    }

    /** Whether a published checkpoint should replace {@code current} (null when nothing is served). */
    public boolean accepts(CheckpointRef candidate, CheckpointRef current) {
        if (current != null && candidate.checkpointId().equals(current.checkpointId())) {
            return false;
        }
        if (pinnedCheckpoint != null) {
            return candidate.checkpointId().equals(pinnedCheckpoint);
        }
        if (pinnedRun != null) {
            if (!pinnedRun.equals(candidate.runId())) {
                return false;
            }
            // The run's first checkpoint replaces whatever was served before the pin.
            return current == null || !pinnedRun.equals(current.runId()) || selection.prefers(candidate, current);
        }
        return current == null || selection.prefers(candidate, current);
    }
}
