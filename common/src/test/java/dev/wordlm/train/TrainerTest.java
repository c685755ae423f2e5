package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.model.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    static Path data;
    static Corpus corpus;

    @TempDir
    Path out;

    @BeforeAll
    static void corpus() {
        corpus = Corpus.load(new SampleCorpus(12, 3, 6_000, 1_000, 1_000, 5).writeTo(data));
    }

    static TrainConfig small(ModelType type, int epochs, double lr) {
        return TrainConfig.builder().model(type).size(16).lr(lr).epochs(epochs).batchSize(10).bptt(20).dropout(0.1)
                .seed(1234).logInterval(10).build();
    }

    /** Records what the trainer reports. */
    static class Recorder implements TrainingListener {
        final List<String> lines = new ArrayList<>();
        final List<EpochResult> epochs = new ArrayList<>();
        final List<BatchProgress> batches = new ArrayList<>();
        final List<CheckpointSaved> checkpoints = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();
        final List<Double> tests = new ArrayList<>();

        @Override
        public void onLog(String line) {
            lines.add(line);
        }

        @Override
        public void onBatch(BatchProgress p) {
            batches.add(p);
        }

        @Override
        public void onEpoch(EpochResult r) {
            epochs.add(r);
        }

        @Override
        public void onCheckpoint(CheckpointSaved c) {
            checkpoints.add(c);
        }

        @Override
        public void onStep(Step s) {
            steps.add(s);
        }

        @Override
        public void onTest(double testLoss) {
            tests.add(testLoss);
        }
    }

    @Test
    void sameSeedSameLossTrajectory() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        new Trainer(small(ModelType.LSTM, 2, 20), corpus, out.resolve("a.wlm"), null, a, null).train();
        new Trainer(small(ModelType.LSTM, 2, 20), corpus, out.resolve("b.wlm"), null, b, null).train();
        assertEquals(2, a.epochs.size());
        for (int i = 0; i < a.batches.size(); i++) {
            assertEquals(a.batches.get(i).loss(), b.batches.get(i).loss(), 0.0, "batch log " + i);
        }
        assertEquals(a.epochs.get(1).validLoss(), b.epochs.get(1).validLoss(), 0.0);
    }

    @Test
    void logsInTheReferenceFormatAndKeepsTheBest() {
        Recorder r = new Recorder();
        TrainingResult result = new Trainer(small(ModelType.GRU, 3, 20), corpus, out.resolve("m.wlm"),
                Trainer.resumePathFor(out.resolve("m.wlm")), r, null).train();
        assertEquals("vocab size (" + corpus.vocabSize() + ")", r.lines.get(0));
        assertTrue(r.lines.stream().anyMatch(l -> l.matches(
                "\\| epoch +1 \\| +10/ +30 batches \\| lr 20\\.00 \\| ms/batch +[0-9.]+ \\| loss +[0-9.]+ \\| ppl +[0-9.]+")),
                String.join("\n", r.lines));
        assertTrue(r.lines.stream().anyMatch(l -> l.matches(
                "\\| end of epoch +3 \\| time: +[0-9.]+s \\| valid loss +[0-9.]+ \\| valid ppl +[0-9.]+")));
        assertTrue(r.lines.get(r.lines.size() - 2).matches("\\| End of training \\| test loss +[0-9.]+ \\| test ppl +[0-9.]+"));
        assertEquals(3, result.epochsCompleted());
        double best = r.epochs.stream().mapToDouble(TrainingListener.EpochResult::validLoss).min().orElseThrow();
        assertEquals(best, result.bestValidLoss(), 0.0);
        Checkpoint.Info info = Checkpoint.readInfo(out.resolve("m.wlm"));
        assertEquals(best, info.validLoss(), 0.0);
        assertEquals(corpus.fingerprint(), info.corpusFingerprint());
        // a resume state after every epoch, a best checkpoint at every improvement
        assertEquals(3, r.checkpoints.stream().filter(c -> !c.best()).count());
        assertEquals(r.epochs.stream().filter(TrainingListener.EpochResult::improved).count(),
                r.checkpoints.stream().filter(TrainingListener.CheckpointSaved::best).count());
        // a step after every batch, counted from 1 in each epoch, the short last one too (the log counts 30)
        int chunks = r.steps.get(0).batches();
        assertTrue(chunks == 30 || chunks == 31, "30 full chunks of 20, maybe one short: " + chunks);
        assertEquals(3 * chunks, r.steps.size());
        for (int i = 0; i < r.steps.size(); i++) {
            TrainingListener.Step s = r.steps.get(i);
            assertEquals(i / chunks + 1, s.epoch());
            assertEquals(i % chunks + 1, s.batch());
            assertEquals(chunks, s.batches());
            assertTrue(s.tokens() > 0 && s.tokens() <= 20 * 10, "at most bptt x batch size: " + s);
            assertTrue(Double.isFinite(s.loss()) && s.loss() > 0, s.toString());
        }
        assertEquals(List.of(result.testLoss()), r.tests);
    }

    @Test
    void learningRateIsDividedByDecayWhenValidationDoesNotImprove() {
        Recorder r = new Recorder();
        // lr 200 overshoots, so validation stops improving and the lr is annealed by 4
        new Trainer(TrainConfig.builder().size(16).nlayers(1).lr(200).clip(5).epochs(6).batchSize(10).bptt(20)
                        .dropout(0).seed(3).logInterval(100).build(),
                corpus, out.resolve("m.wlm"), null, r, null).train();
        boolean annealed = false;
        for (TrainingListener.EpochResult e : r.epochs) {
            assertEquals(e.improved() ? e.lr() : e.lr() / 4, e.nextLr(), 1e-12);
            annealed |= !e.improved();
        }
        assertTrue(annealed, "at least one epoch did not improve: " + r.epochs);
    }

    @Test
    void cancelStopsAfterTheBatchAndStillTests() {
        CancellationToken cancel = new CancellationToken();
        Recorder r = new Recorder() {
            @Override
            public void onBatch(BatchProgress p) {
                super.onBatch(p);
                if (p.epoch() == 2) {
                    cancel.cancel();
                }
            }
        };
        TrainingResult result = new Trainer(small(ModelType.LSTM, 5, 20), corpus, out.resolve("m.wlm"), null, r, cancel)
                .train();
        assertTrue(result.cancelled());
        assertEquals(1, result.epochsCompleted());
        assertEquals(1, r.batches.stream().filter(b -> b.epoch() == 2).count(), "stopped right after the batch");
        assertTrue(r.lines.contains("Exiting from training early"));
        assertTrue(Double.isFinite(result.testLoss()));
        assertNotNull(result.bestCheckpoint());
    }

    /** {@code --dry-run}: one batch each of training, validation and test, one epoch, no file written. */
    @Test
    void dryRunTrainsOneBatchAndSavesNothing() {
        Path save = out.resolve("m.wlm");
        Path last = Trainer.resumePathFor(save);
        Recorder r = new Recorder();
        TrainConfig config = small(ModelType.LSTM, 5, 20).toBuilder().dryRun(true).build();
        TrainingResult result = new Trainer(config, corpus, save, last, r, null).train();
        assertEquals(1, result.epochsCompleted());
        assertEquals(1, r.epochs.size());
        TrainingListener.EpochResult e = r.epochs.get(0);
        assertEquals(20.0 * 10, e.tokensPerSecond() * e.seconds(), 1e-6, "one batch of bptt 20 x batch 10");
        assertTrue(Double.isFinite(e.trainLoss()) && Double.isFinite(e.validLoss()));
        assertTrue(Double.isFinite(result.testLoss()));
        assertTrue(r.checkpoints.isEmpty(), "nothing saved");
        assertFalse(Files.exists(save));
        assertFalse(Files.exists(last));
        assertNull(result.bestCheckpoint());
        assertTrue(r.lines.stream().anyMatch(l -> l.startsWith("| dry run:")), r.lines.toString());
        assertTrue(r.lines.stream().anyMatch(l -> l.startsWith("| End of training | test loss")));
    }

    @Test
    void nonFiniteLossStopsWithAClearMessage() {
        TrainConfig relu = TrainConfig.builder().model(ModelType.RNN_RELU).size(16).lr(1000).clip(1000).epochs(1)
                .batchSize(10).bptt(20).dropout(0).seed(1).logInterval(10).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(relu, corpus, out.resolve("m.wlm"), null, null, null).train());
        assertTrue(e.getMessage().startsWith("training diverged: the loss is"), e.getMessage());
        assertFalse(Files.exists(out.resolve("m.wlm")));
    }

    @Test
    void resumesFromTheLastEpochState() {
        Path save = out.resolve("m.wlm");
        Path last = Trainer.resumePathFor(save);
        Recorder full = new Recorder();
        new Trainer(small(ModelType.LSTM, 3, 20), corpus, out.resolve("full.wlm"), null, full, null).train();

        new Trainer(small(ModelType.LSTM, 3, 20).withEpochs(2), corpus, save, last, new Recorder(), null).train();
        assertEquals(2, Checkpoint.readInfo(last).epoch());
        Recorder resumed = new Recorder();
        TrainingResult result = new Trainer(small(ModelType.LSTM, 3, 20), corpus, save, last, resumed, null).train();
        assertEquals(3, result.epochsCompleted());
        assertEquals(1, resumed.epochs.size());
        assertEquals(3, resumed.epochs.get(0).epoch());
        assertTrue(resumed.lines.stream().anyMatch(l -> l.startsWith("| resumed from")));
        // each epoch draws from its own seed: the resumed run repeats the uninterrupted one exactly
        assertEquals(full.epochs.get(2).trainLoss(), resumed.epochs.get(0).trainLoss(), 0.0);
        assertEquals(full.epochs.get(2).validLoss(), resumed.epochs.get(0).validLoss(), 0.0);
        assertEquals(full.epochs.get(2).validLoss(), result.bestValidLoss(), 0.0);
    }

    /** {@code --use-optimizer}: the resume state keeps AdamW's moments, so a resumed run repeats the whole one. */
    @Test
    void adamWResumesFromTheLastEpochStateExactly() {
        TrainConfig adamw = small(ModelType.GRU, 3, 0.003).toBuilder().useOptimizer(true).build();
        Path save = out.resolve("m.wlm");
        Path last = Trainer.resumePathFor(save);
        Recorder full = new Recorder();
        new Trainer(adamw, corpus, out.resolve("full.wlm"), null, full, null).train();
        Recorder sgd = new Recorder();
        new Trainer(adamw.toBuilder().useOptimizer(false).epochs(1).build(), corpus, out.resolve("sgd.wlm"), null, sgd, null)
                .train();
        assertTrue(full.epochs.get(0).trainLoss() != sgd.epochs.get(0).trainLoss(), "AdamW is not the SGD step");
        for (TrainingListener.EpochResult e : full.epochs) {
            assertEquals(0.003, e.lr(), 0.0, "the reference's AdamW keeps its initial lr: " + e);
            assertEquals(0.003, e.nextLr(), 0.0, "never annealed: " + e);
        }

        new Trainer(adamw.withEpochs(2), corpus, save, last, new Recorder(), null).train();
        Checkpoint state = Checkpoint.load(last);
        int chunks = full.steps.get(0).batches();
        assertEquals(2L * chunks, state.optimizerState().orElseThrow().step(), "one AdamW step per batch");
        assertTrue(Checkpoint.load(save).optimizerState().isEmpty(), "the best model is only the model");
        Recorder resumed = new Recorder();
        new Trainer(adamw, corpus, save, last, resumed, null).train();
        assertEquals(1, resumed.epochs.size());
        for (int i = 0; i < chunks; i++) {
            assertEquals(full.steps.get(2 * chunks + i).loss(), resumed.steps.get(i).loss(), 0.0, "epoch 3, batch " + i);
        }
        assertEquals(full.epochs.get(2).validLoss(), resumed.epochs.get(0).validLoss(), 0.0);
        assertEquals(3L * chunks, Checkpoint.load(last).optimizerState().orElseThrow().step());

        // a run cannot switch optimizers half-way
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer(
                adamw.toBuilder().useOptimizer(false).epochs(4).build(), corpus, save, last, null, null).train());
        assertTrue(e.getMessage().contains("cannot resume"), e.getMessage());
    }

    @Test
    void resumeRefusesOtherData(@TempDir Path other) {
        Path save = out.resolve("m.wlm");
        Path last = Trainer.resumePathFor(save);
        new Trainer(small(ModelType.LSTM, 1, 20), corpus, save, last, null, null).train();
        Corpus different = Corpus.load(new SampleCorpus(12, 3, 6_000, 1_000, 1_000, 6).writeTo(other));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(small(ModelType.LSTM, 2, 20), different, save, last, null, null).train());
        assertTrue(e.getMessage().contains("trained on other data"), e.getMessage());
    }

    @Test
    void invalidConfigurationNamesEveryField() {
        TrainConfig bad = TrainConfig.builder().emsize(10).nhid(20).nlayers(0).lr(-1).clip(0).epochs(1).batchSize(0)
                .dropout(1.5).decay(0.5).tied(true).seed(1).logInterval(0).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validated);
        for (String field : List.of("nlayers", "lr", "clip", "batchSize", "dropout", "decay", "tied", "logInterval")) {
            assertTrue(e.getMessage().contains(field + ":"), field + " in " + e.getMessage());
        }
    }
}
