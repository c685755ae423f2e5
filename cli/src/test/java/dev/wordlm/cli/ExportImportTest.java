package dev.wordlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.Safetensors;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./lm export} and {@code ./lm import}: a checkpoint out to safetensors and back, scoring the same. */
class ExportImportTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;
    static Corpus corpus;

    @BeforeAll
    static void checkpoint() {
        data = dir.resolve("data");
        new SampleCorpus(12, 3, 2000, 400, 400, 7).writeTo(data);
        corpus = Corpus.load(data);
        Engines.pytorch().setRandomSeed(11);
        TrainConfig t = TrainConfig.builder().model(ModelType.GRU).size(8).nlayers(2).tied(true).build();
        model = dir.resolve("m.wlm");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel lm = RnnLanguageModel.initialize(t.modelConfig(corpus.vocabSize()), m, Device.cpu());
            Checkpoint.save(model, lm, t, corpus.vocabulary(), 1, 20, 3.0, 3.0, corpus.fingerprint());
        }
    }

    private static String score(Path checkpoint) {
        CliTest.Run r = CliTest.run("score", "--checkpoint", checkpoint.toString(), "--file", data.resolve("test.txt").toString());
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    @Test
    void exportedThenImportedScoresTheSame() {
        Path st = dir.resolve("m.safetensors");
        CliTest.Run export = CliTest.run("export", "--format", "safetensors", "--checkpoint", model.toString(), "--out", st.toString());
        assertEquals(0, export.exit(), export.err());
        assertTrue(export.out().contains("exported GRU 2x8 (emsize 8, " + corpus.vocabSize() + " words, tied)"), export.out());
        assertTrue(export.out().contains("11 tensors"), "both names of the tied weight: " + export.out());

        Path back = dir.resolve("back.wlm");
        CliTest.Run imported = CliTest.run("import", "--in", st.toString(), "--out", back.toString());
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(imported.out().startsWith("imported GRU 2x8"), imported.out());
        assertEquals(score(model), score(back));
        assertTrue(Double.isNaN(Checkpoint.readInfo(back).validLoss()), "no corpus, no validation loss");

        Path withData = dir.resolve("with-data.wlm");
        CliTest.Run measured = CliTest.run("import", "--in", st.toString(), "--data", data.toString(), "--out", withData.toString());
        assertEquals(0, measured.exit(), measured.err());
        assertTrue(measured.out().matches("(?s).*\\| valid loss [0-9.]+ \\| valid ppl [0-9.]+\\s*"), measured.out());
        Checkpoint.Info info = Checkpoint.readInfo(withData);
        assertEquals(corpus.fingerprint(), info.corpusFingerprint());
        assertTrue(info.validLoss() > 0 && info.validLoss() < Math.log(corpus.vocabSize()) + 1, "measured: " + info.validLoss());
        assertEquals(score(model), score(withData));
    }

    /** {@code --format onnx}: the graph for ONNX Runtime (which common's OnnxExportTest runs against our model). */
    @Test
    void exportsAnOnnxGraph() throws Exception {
        Path onnx = dir.resolve("m.onnx");
        CliTest.Run export = CliTest.run("export", "--format", "onnx", "--checkpoint", model.toString(), "--out", onnx.toString());
        assertEquals(0, export.exit(), export.err());
        assertTrue(export.out().contains("exported GRU 2x8 (emsize 8, " + corpus.vocabSize() + " words, tied)"), export.out());
        assertTrue(export.out().contains("ONNX opset 17, inputs input, h0"), export.out());
        byte[] bytes = Files.readAllBytes(onnx);
        assertEquals(0x08, bytes[0], "a ModelProto starts with its ir_version field");
        assertEquals(8, bytes[1], "IR version 8");
        CliTest.Run importOnnx = CliTest.run("import", "--format", "onnx", "--in", onnx.toString());
        assertEquals(2, importOnnx.exit(), "import reads safetensors only: " + importOnnx.err());
    }

    /** What the reference writes has no vocabulary: it comes from --data (the dictionary order) or --vocab. */
    @Test
    void aFileWithoutMetadataTakesItsVocabularyFromTheCorpusOrAFile() throws Exception {
        Path st = dir.resolve("full.safetensors");
        assertEquals(0, CliTest.run("export", "--checkpoint", model.toString(), "--out", st.toString()).exit());
        Path bare = dir.resolve("bare.safetensors");
        Safetensors.write(bare, Safetensors.read(st).tensors(), Map.of("format", "pt"));

        CliTest.Run none = CliTest.run("import", "--in", bare.toString(), "--out", dir.resolve("x.wlm").toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("has no vocabulary metadata: pass --data DIR"), none.err());

        Path fromData = dir.resolve("from-data.wlm");
        CliTest.Run d = CliTest.run("import", "--in", bare.toString(), "--data", data.toString(), "--out", fromData.toString());
        assertEquals(0, d.exit(), d.err());
        assertEquals(score(model), score(fromData));

        Path vocab = dir.resolve("vocab.txt");
        Files.write(vocab, corpus.vocabulary().words());
        Path fromFile = dir.resolve("from-file.wlm");
        CliTest.Run r = CliTest.run("import", "--in", bare.toString(), "--vocab", vocab.toString(), "--out", fromFile.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(score(model), score(fromFile));

        List<String> shuffled = new ArrayList<>(corpus.vocabulary().words());
        Collections.swap(shuffled, 0, 1);
        Files.write(vocab, shuffled);
        CliTest.Run disagree = CliTest.run("import", "--in", st.toString(), "--vocab", vocab.toString(), "--out",
                dir.resolve("y.wlm").toString());
        assertEquals(1, disagree.exit());
        assertTrue(disagree.err().contains("differ at index 0"), disagree.err());

        Files.write(vocab, corpus.vocabulary().words().subList(0, 5));
        CliTest.Run small = CliTest.run("import", "--in", bare.toString(), "--vocab", vocab.toString(), "--out",
                dir.resolve("z.wlm").toString());
        assertEquals(1, small.exit());
        assertTrue(small.err().contains("has 5 words, the model has " + corpus.vocabSize()), small.err());

        CliTest.Run wrong = CliTest.run("import", "--in", st.toString(), "--model", "LSTM", "--out", dir.resolve("w.wlm").toString());
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("holds a GRU model, not LSTM"), wrong.err());
        assertTrue(!wrong.err().contains("\tat "), "no stack trace");
    }
}
