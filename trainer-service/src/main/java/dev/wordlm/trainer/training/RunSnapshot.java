package dev.wordlm.trainer.training;

import dev.wordlm.train.TrainConfig;
import java.util.UUID;

/** What a trainer needs of a run it claimed, read in the claiming transaction. */
public record RunSnapshot(UUID id, String dataset, TrainConfig config, boolean cancelRequested) {
}
