package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.wordlm.engine.Engines;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.model.ModelType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native memory stays flat: every array a training step creates is freed with its step. Counts the live arrays
 * of the engine's whole manager tree at every log line; a leak of one array per step (such as a gradient handle
 * left in the parameters' long-lived manager) would grow the count by hundreds.
 */
class NativeMemoryTest {
    @TempDir
    Path dir;

    @Test
    void liveArrayCountDoesNotGrowOverEpochs() {
        Corpus corpus = Corpus.load(new SampleCorpus(20, 3, 20_000, 1_000, 1_000, 2).writeTo(dir.resolve("data")));
        Engines.pytorch();
        NDManager system;
        try (NDManager probe = NDManager.newBaseManager()) {
            system = probe.getParentManager(); // the engine's root: every base manager hangs below it
        }
        List<Integer> live = new ArrayList<>();
        TrainingListener counter = new TrainingListener() {
            @Override
            public void onBatch(BatchProgress p) {
                live.add(system.getManagedArrays().size());
            }
        };
        for (ModelType type : ModelType.values()) {
            live.clear();
            TrainConfig config = TrainConfig.builder().model(type).size(16)
                    .lr(type == ModelType.LSTM || type == ModelType.GRU ? 20 : 1).epochs(3).batchSize(10).bptt(20)
                    .seed(1).logInterval(10).build();
            new Trainer(config, corpus, dir.resolve(type + ".wlm"), Trainer.resumePathFor(dir.resolve(type + ".wlm")),
                    counter, null).train();
            assertTrue(live.size() >= 3 * 9, "logged " + live.size());
            // the same arrays are alive at every log line of every epoch
            int steady = live.get(1);
            for (int i = 1; i < live.size(); i++) {
                assertEquals(steady, live.get(i), type + ": live arrays at log " + i + " of " + live);
            }
        }
    }
}
