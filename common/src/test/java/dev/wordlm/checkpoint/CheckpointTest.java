package dev.wordlm.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    static Vocabulary vocabulary(int n) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            words.add("w" + i);
        }
        words.add(Vocabulary.EOS);
        return Vocabulary.of(words);
    }

    Path saveModel(RnnLanguageModel model, TrainConfig training) {
        Path file = dir.resolve("m.wlm");
        Checkpoint.save(file, model, training, vocabulary(model.config().vocabSize()), 3, 5.0, 4.2, 4.1, "abc123");
        return file;
    }

    static float[] logits(RnnLanguageModel model, NDManager m) {
        try (NDManager s = m.newSubManager()) {
            NDList out = model.forward(s.create(new long[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2)), model.initialState(s, 2), false);
            return out.head().toFloatArray();
        }
    }

    @Test
    void roundTripGivesIdenticalLogitsAndMetadata() throws Exception {
        Engines.pytorch().setRandomSeed(9);
        for (boolean tied : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                ModelConfig c = new ModelConfig(ModelType.LSTM, 30, 8, 8, 2, 0.2f, tied);
                TrainConfig t = TrainConfig.builder().size(8).epochs(6).tied(tied).seed(77).build();
                RnnLanguageModel model = RnnLanguageModel.initialize(c, m, Device.cpu());
                Path file = saveModel(model, t);
                Checkpoint loaded = Checkpoint.load(file);
                Checkpoint.Info info = loaded.info();
                assertEquals(c, info.model());
                assertEquals(t, info.training());
                assertEquals(vocabulary(30).words(), info.vocabulary().words());
                assertEquals(3, info.epoch());
                assertEquals(5.0, info.lr());
                assertEquals(4.2, info.validLoss());
                assertEquals(4.1, info.bestValidLoss());
                assertEquals(77, info.seed());
                assertEquals("abc123", info.corpusFingerprint());
                assertEquals(Files.size(file), info.sizeBytes());
                assertEquals(HexFormat.of().formatHex(Checkpoint.sha256Of(file)), info.sha256());
                RnnLanguageModel back = loaded.toModel(m, Device.cpu());
                assertArrayEquals(logits(model, m), logits(back, m));
                if (tied) {
                    assertTrue(back.namedParameters().get("decoder.weight") == back.namedParameters().get("encoder.weight"));
                }
            }
        }
    }

    @Test
    void everyTrainingOptionSurvivesTheHeader() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            TrainConfig t = dev.wordlm.train.TrainOptionsTest.allChanged();
            RnnLanguageModel model = RnnLanguageModel.initialize(t.modelConfig(12), m, Device.cpu());
            assertEquals(t, Checkpoint.load(saveModel(model, t)).info().training());
        }
    }

    /** A file written before the newer options existed: they take their defaults, the rest is as saved. */
    @Test
    void checkpointsFromBeforeNewOptionsKeepLoading() throws Exception {
        Path file = dir.resolve("old.wlm");
        try (var in = CheckpointTest.class.getResourceAsStream("/checkpoints/gru-format1-before-options.wlm")) {
            Files.copy(in, file);
        }
        Checkpoint loaded = Checkpoint.load(file);
        TrainConfig expected = TrainConfig.builder().model(ModelType.GRU).size(4).nlayers(1).lr(7.5).epochs(3)
                .dropout(0).seed(42).logInterval(50).build();
        assertEquals(expected, loaded.info().training());
        assertEquals(2, loaded.info().epoch());
        assertTrue(loaded.optimizerState().isEmpty(), "plain SGD, from before --use-optimizer");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (float f : logits(loaded.toModel(m, Device.cpu()), m)) {
                assertTrue(Float.isFinite(f));
            }
        }
    }

    /** A resume state of an AdamW run keeps the moments and the step count, per stored parameter (tied: once). */
    @Test
    void optimizerStateRoundTrips() {
        Engines.pytorch().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelConfig c = new ModelConfig(ModelType.LSTM, 12, 4, 4, 2, 0f, true);
            RnnLanguageModel model = RnnLanguageModel.initialize(c, m, Device.cpu());
            java.util.Map<String, java.util.Map<String, float[]>> slots = new java.util.LinkedHashMap<>();
            for (String slot : List.of("exp_avg", "exp_avg_sq")) {
                java.util.Map<String, float[]> bySlot = new java.util.LinkedHashMap<>();
                model.storedParameters().forEach((name, p) -> bySlot.put(name,
                        m.randomUniform(0f, 1f, p.getShape()).toFloatArray()));
                slots.put(slot, bySlot);
            }
            TrainConfig t = TrainConfig.builder().size(4).tied(true).useOptimizer(true).lr(0.001).build();
            Path file = dir.resolve("last.wlm");
            Checkpoint.save(file, model, t, vocabulary(12), 2, 0.001, 2.5, 2.5, "abc", new OptimizerState("AdamW", 17, slots));
            Checkpoint loaded = Checkpoint.load(file);
            OptimizerState back = loaded.optimizerState().orElseThrow();
            assertEquals("AdamW", back.type());
            assertEquals(17, back.step());
            assertEquals(List.of("exp_avg", "exp_avg_sq"), back.slotNames());
            slots.forEach((slot, byName) -> byName.forEach((name, v) ->
                    assertArrayEquals(v, back.slots().get(slot).get(name), slot + " " + name)));
            assertEquals(t, loaded.info().training());
            assertArrayEquals(logits(model, m), logits(loaded.toModel(m, Device.cpu()), m));
            assertEquals(2, Checkpoint.readInfo(file).epoch(), "the header alone reads past the optimizer's tensors");
            assertTrue(Checkpoint.load(saveModel(model, t)).optimizerState().isEmpty(), "saved without one: none");
        }
    }

    private Path validFile() {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelConfig c = new ModelConfig(ModelType.GRU, 12, 4, 4, 1, 0f, false);
            return saveModel(RnnLanguageModel.initialize(c, m, Device.cpu()),
                    TrainConfig.builder().model(ModelType.GRU).size(4).nlayers(1).epochs(1).dropout(0).seed(1).build());
        }
    }

    @Test
    void corruptedByteIsRejected() throws Exception {
        Path file = validFile();
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 0x40;
        Files.write(file, b);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("sha256 does not match"), e.getMessage());
    }

    @Test
    void truncatedFileIsRejected() throws Exception {
        Path file = validFile();
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length - 100));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("corrupt or truncated"), e.getMessage());
        Files.write(file, java.util.Arrays.copyOf(b, 20));
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void otherFilesAndVersionsAreNamed() throws Exception {
        Path file = dir.resolve("x.wlm");
        Files.writeString(file, "this is not a checkpoint, just some text that is long enough to be read");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("not a wordlm checkpoint"), e.getMessage());

        byte[] b = Files.readAllBytes(validFile());
        b[15] = 9; // format version, big-endian int after the 12-byte magic
        Files.write(file, b);
        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
        assertTrue(e.getMessage().contains("format version 9"), e.getMessage());

        e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir.resolve("missing.wlm")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
