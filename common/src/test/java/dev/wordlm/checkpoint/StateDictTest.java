package dev.wordlm.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference's state dict in safetensors: our export, its import, and files laid out byte by byte here. */
class StateDictTest {
    @TempDir
    Path dir;

    private Path checkpoint(ModelConfig c, NDManager m) {
        RnnLanguageModel model = RnnLanguageModel.initialize(c, m, Device.cpu());
        TrainConfig t = TrainConfig.builder().model(c.type()).emsize(c.emsize()).nhid(c.nhid()).nlayers(c.nlayers())
                .dropout(c.dropout()).tied(c.tied()).build();
        Path file = dir.resolve(c.type() + (c.tied() ? "-tied" : "") + ".wlm");
        Checkpoint.save(file, model, t, CheckpointTest.vocabulary(c.vocabSize()), 4, 5.0, 4.5, 4.4, "abc");
        return file;
    }

    @Test
    void exportThenImportGivesIdenticalWeightsAndLogits() {
        Engines.pytorch().setRandomSeed(21);
        List<ModelConfig> configs = List.of(
                new ModelConfig(ModelType.LSTM, 30, 6, 5, 2, 0.2f, false),
                new ModelConfig(ModelType.GRU, 30, 6, 5, 2, 0.2f, false),
                new ModelConfig(ModelType.RNN_TANH, 30, 6, 5, 2, 0.2f, false),
                new ModelConfig(ModelType.RNN_RELU, 30, 6, 5, 2, 0.2f, false),
                new ModelConfig(ModelType.LSTM, 30, 5, 5, 2, 0.2f, true),
                new ModelConfig(ModelType.GRU, 30, 5, 5, 1, 0f, true));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (ModelConfig c : configs) {
                Checkpoint original = Checkpoint.load(checkpoint(c, m));
                Path exported = dir.resolve("m.safetensors");
                StateDict.export(original, exported);
                StateDict.Imported back = StateDict.read(exported, null);
                assertEquals(c, back.model(), "architecture from the metadata");
                assertEquals(original.info().vocabulary().words(), back.vocabulary().orElseThrow().words());
                assertEquals(original.weights().keySet(), back.weights().keySet());
                original.weights().forEach((name, values) -> assertArrayEquals(values, back.weights().get(name), name));
                RnnLanguageModel before = original.toModel(m, Device.cpu());
                RnnLanguageModel after = back.toModel(m, Device.cpu());
                float[] expected = CheckpointTest.logits(before, m);
                assertArrayEquals(expected, CheckpointTest.logits(after, m), c.toString());
                if (c.tied()) {
                    assertSame(after.namedParameters().get("encoder.weight"), after.namedParameters().get("decoder.weight"));
                }
                // The same file without our metadata, as the reference writes it: the shapes alone give the model.
                Path bare = dir.resolve("bare.safetensors");
                Safetensors.write(bare, Safetensors.read(exported).tensors(), Map.of("format", "pt"));
                ModelType hint = c.type() == ModelType.RNN_RELU || c.type() == ModelType.RNN_TANH ? c.type() : null;
                StateDict.Imported inferred = StateDict.read(bare, hint);
                assertEquals(new ModelConfig(c.type(), c.vocabSize(), c.emsize(), c.nhid(), c.nlayers(),
                        TrainConfig.defaults().modelConfig(2).dropout(), c.tied()), inferred.model());
                assertTrue(inferred.vocabulary().isEmpty());
                assertArrayEquals(expected, CheckpointTest.logits(inferred.toModel(m, Device.cpu()), m), "inferred " + c);
                before.close();
                after.close();
            }
        }
    }

    /** The header, read here with a JSON parser alone: names, dtypes and shapes of the reference's 2-layer LSTM. */
    @Test
    void headerHasTheReferenceStateDictOfATwoLayerLstm() throws Exception {
        Engines.pytorch().setRandomSeed(3);
        ModelConfig c = new ModelConfig(ModelType.LSTM, 11, 7, 5, 2, 0.5f, false);
        Path exported = dir.resolve("lstm.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            StateDict.export(Checkpoint.load(checkpoint(c, m)), exported);
        }
        byte[] bytes = Files.readAllBytes(exported);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8)).getAsJsonObject();
        List<String> described = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonObject t = e.getValue().getAsJsonObject();
            JsonArray offsets = t.getAsJsonArray("data_offsets");
            assertEquals(offset, offsets.get(0).getAsLong(), e.getKey() + " follows the previous tensor");
            offset = offsets.get(1).getAsLong();
            described.add(e.getKey() + " " + t.get("dtype").getAsString() + " " + t.get("shape"));
        }
        assertEquals(List.of(
                "encoder.weight F32 [11,7]",
                "rnn.weight_ih_l0 F32 [20,7]",
                "rnn.weight_hh_l0 F32 [20,5]",
                "rnn.bias_ih_l0 F32 [20]",
                "rnn.bias_hh_l0 F32 [20]",
                "rnn.weight_ih_l1 F32 [20,5]",
                "rnn.weight_hh_l1 F32 [20,5]",
                "rnn.bias_ih_l1 F32 [20]",
                "rnn.bias_hh_l1 F32 [20]",
                "decoder.weight F32 [11,5]",
                "decoder.bias F32 [11]"), described);
        assertEquals(bytes.length, 8 + n + offset, "the data ends the file");
        JsonObject meta = header.getAsJsonObject("__metadata__");
        assertEquals("pt", meta.get("format").getAsString());
        assertEquals(JsonParser.parseString("{\"rnn_type\":\"LSTM\",\"ntoken\":11,\"ninp\":7,\"nhid\":5,\"nlayers\":2,"
                + "\"dropout\":0.5,\"tie_weights\":false}"), JsonParser.parseString(meta.get("config").getAsString()));
        JsonArray words = JsonParser.parseString(meta.get("vocabulary").getAsString()).getAsJsonArray();
        assertEquals(11, words.size());
        assertEquals("w0", words.get(0).getAsString());
        assertEquals("<eos>", words.get(10).getAsString());
    }

    /** A tied model's state dict has both names, as load_state_dict(strict=True) wants: the same values twice. */
    @Test
    void tiedExportHasBothNamesWithTheSameValues() {
        Engines.pytorch().setRandomSeed(4);
        ModelConfig c = new ModelConfig(ModelType.GRU, 9, 4, 4, 1, 0f, true);
        Path exported = dir.resolve("tied.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            StateDict.export(Checkpoint.load(checkpoint(c, m)), exported);
        }
        Map<String, Safetensors.Tensor> t = Safetensors.read(exported).tensors();
        assertEquals(List.of("encoder.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "decoder.weight", "decoder.bias"), List.copyOf(t.keySet()));
        assertArrayEquals(t.get("encoder.weight").values(), t.get("decoder.weight").values());
    }

    // ---- files laid out by hand, as PyTorch would write them, and the reference's equations computed here

    /** Little-endian bytes of a safetensors file: header text as given, then the tensors in the order listed. */
    private Path handWritten(String name, String headerJson, float[]... data) throws Exception {
        byte[] head = headerJson.getBytes(StandardCharsets.UTF_8);
        int floats = 0;
        for (float[] d : data) {
            floats += d.length;
        }
        ByteBuffer b = ByteBuffer.allocate(8 + head.length + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(head.length).put(head);
        for (float[] d : data) {
            for (float v : d) {
                b.putFloat(v);
            }
        }
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    /** Values 0.01 * (seed + 1), 0.01 * (seed + 2), ... with alternating signs: each place distinct. */
    private static float[] values(int count, int seed) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (i % 2 == 0 ? 1 : -1) * 0.01f * (seed + i + 1) * (1 + (i % 7));
        }
        return v;
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** Row r of a (rows × cols) matrix times x, plus bias[r]. */
    private static float affine(float[] w, int r, int cols, float[] x, float[] bias) {
        float s = bias[r];
        for (int k = 0; k < cols; k++) {
            s += w[r * cols + k] * x[k];
        }
        return s;
    }

    /**
     * A 1-layer LSTM (vocab 3, emsize 2, nhid 2) saved as the reference saves it, with no metadata and the tensors in
     * another order than the state dict's; two steps computed with PyTorch's documented equations (gates i, f, g, o
     * stacked in that order) must give the imported model's logits.
     */
    @Test
    void handWrittenLstmImportsWithPyTorchsGateOrder() throws Exception {
        int v = 3;
        int e = 2;
        int h = 2;
        float[] enc = values(v * e, 0);
        float[] wih = values(4 * h * e, 10);
        float[] whh = values(4 * h * h, 30);
        float[] bih = values(4 * h, 50);
        float[] bhh = values(4 * h, 60);
        float[] dec = values(v * h, 70);
        float[] decBias = values(v, 80);
        // data order: decoder.bias, decoder.weight, then the rest; offsets say where each is
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"decoder.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"decoder.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[12,36]},"
                + "\"encoder.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[36,60]},"
                + "\"rnn.weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[8,2],\"data_offsets\":[60,124]},"
                + "\"rnn.weight_hh_l0\":{\"dtype\":\"F32\",\"shape\":[8,2],\"data_offsets\":[124,188]},"
                + "\"rnn.bias_ih_l0\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[188,220]},"
                + "\"rnn.bias_hh_l0\":{\"dtype\":\"F32\",\"shape\":[8],\"data_offsets\":[220,252]}}";
        Path file = handWritten("lstm.safetensors", header, decBias, dec, enc, wih, whh, bih, bhh);

        StateDict.Imported imported = StateDict.read(file, null);
        assertEquals(new ModelConfig(ModelType.LSTM, 3, 2, 2, 1, TrainConfig.defaults().modelConfig(2).dropout(), false),
                imported.model());
        assertArrayEquals(wih, imported.weights().get("rnn.weight_ih_l0"));
        assertArrayEquals(bhh, imported.weights().get("rnn.bias_hh_l0"));
        assertArrayEquals(dec, imported.weights().get("decoder.weight"));

        int[] tokens = {2, 0};
        float[] hid = new float[h];
        float[] cell = new float[h];
        List<Float> expected = new ArrayList<>();
        for (int token : tokens) {
            float[] x = {enc[token * e], enc[token * e + 1]};
            float[] next = new float[h];
            float[] nextCell = new float[h];
            for (int j = 0; j < h; j++) {
                float in = sigmoid(affine(wih, j, e, x, bih) + affine(whh, j, h, hid, bhh));
                float forget = sigmoid(affine(wih, h + j, e, x, bih) + affine(whh, h + j, h, hid, bhh));
                float g = (float) Math.tanh(affine(wih, 2 * h + j, e, x, bih) + affine(whh, 2 * h + j, h, hid, bhh));
                float out = sigmoid(affine(wih, 3 * h + j, e, x, bih) + affine(whh, 3 * h + j, h, hid, bhh));
                nextCell[j] = forget * cell[j] + in * g;
                next[j] = out * (float) Math.tanh(nextCell[j]);
            }
            hid = next;
            cell = nextCell;
            for (int w = 0; w < v; w++) {
                expected.add(affine(dec, w, h, hid, decBias));
            }
        }
        assertLogits(imported, tokens, expected);
    }

    /**
     * A tied 1-layer GRU with only {@code decoder.weight} for the shared tensor (what save_model keeps of it): PyTorch's
     * GRU equations (gates r, z, n; the reset gate scales the hidden candidate including its bias) over two steps.
     */
    @Test
    void handWrittenTiedGruImportsWithPyTorchsGateOrder() throws Exception {
        int v = 3;
        int h = 2;
        float[] shared = values(v * h, 5);
        float[] wih = values(3 * h * h, 15);
        float[] whh = values(3 * h * h, 25);
        float[] bih = values(3 * h, 35);
        float[] bhh = values(3 * h, 45);
        float[] decBias = values(v, 55);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"decoder.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]},"
                + "\"rnn.weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[6,2],\"data_offsets\":[24,72]},"
                + "\"rnn.weight_hh_l0\":{\"dtype\":\"F32\",\"shape\":[6,2],\"data_offsets\":[72,120]},"
                + "\"rnn.bias_ih_l0\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[120,144]},"
                + "\"rnn.bias_hh_l0\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[144,168]},"
                + "\"decoder.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[168,180]}}";
        Path file = handWritten("gru.safetensors", header, shared, wih, whh, bih, bhh, decBias);

        StateDict.Imported imported = StateDict.read(file, null);
        assertTrue(imported.model().tied());
        assertEquals(ModelType.GRU, imported.model().type());
        assertArrayEquals(shared, imported.weights().get("encoder.weight"));

        int[] tokens = {1, 2};
        float[] hid = new float[h];
        List<Float> expected = new ArrayList<>();
        for (int token : tokens) {
            float[] x = {shared[token * h], shared[token * h + 1]};
            float[] next = new float[h];
            for (int j = 0; j < h; j++) {
                float r = sigmoid(affine(wih, j, h, x, bih) + affine(whh, j, h, hid, bhh));
                float z = sigmoid(affine(wih, h + j, h, x, bih) + affine(whh, h + j, h, hid, bhh));
                float n = (float) Math.tanh(affine(wih, 2 * h + j, h, x, bih) + r * affine(whh, 2 * h + j, h, hid, bhh));
                next[j] = (1 - z) * n + z * hid[j];
            }
            hid = next;
            for (int w = 0; w < v; w++) {
                expected.add(affine(shared, w, h, hid, decBias));
            }
        }
        assertLogits(imported, tokens, expected);
    }

    private static void assertLogits(StateDict.Imported imported, int[] tokens, List<Float> expected) {
        Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = imported.toModel(m, Device.cpu())) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[i];
            }
            float[] got = model.forward(m.create(ids, new ai.djl.ndarray.types.Shape(ids.length, 1)),
                    model.initialState(m, 1), false).head().toFloatArray();
            assertEquals(expected.size(), got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected.get(i), got[i], 1e-5, "logit " + i);
            }
        }
    }

    @Test
    void badFilesAreRejectedWithTheReason() throws Exception {
        String one = "\"decoder.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}";
        Path truncated = handWritten("t.safetensors", "{" + one + "}", new float[2]);
        assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(truncated)).getMessage()
                .contains("truncated"));
        Path half = handWritten("h.safetensors", "{\"rnn.bias_ih_l0\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new float[1]);
        String dtype = assertThrows(CheckpointException.class, () -> Safetensors.read(half)).getMessage();
        assertTrue(dtype.contains("rnn.bias_ih_l0") && dtype.contains("F16"), dtype);
        Path gap = handWritten("g.safetensors", "{" + one.replace("[0,12]", "[4,16]") + "}", new float[4]);
        assertTrue(assertThrows(CheckpointException.class, () -> Safetensors.read(gap)).getMessage().contains("gaps"));

        Engines.pytorch().setRandomSeed(5);
        Path exported = dir.resolve("e.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            StateDict.export(Checkpoint.load(checkpoint(new ModelConfig(ModelType.LSTM, 8, 4, 4, 1, 0f, false), m)), exported);
        }
        Map<String, Safetensors.Tensor> tensors = new java.util.LinkedHashMap<>(Safetensors.read(exported).tensors());
        tensors.remove("rnn.bias_hh_l0");
        Path missing = dir.resolve("missing.safetensors");
        Safetensors.write(missing, tensors, Safetensors.read(exported).metadata());
        assertTrue(assertThrows(CheckpointException.class, () -> StateDict.read(missing, null)).getMessage()
                .contains("missing tensor rnn.bias_hh_l0"));
        tensors.put("rnn.bias_hh_l0", new Safetensors.Tensor(new long[] {16}, new float[16]));
        tensors.put("extra.weight", new Safetensors.Tensor(new long[] {1}, new float[1]));
        Path extra = dir.resolve("extra.safetensors");
        Safetensors.write(extra, tensors, Map.of());
        assertTrue(assertThrows(CheckpointException.class, () -> StateDict.read(extra, null)).getMessage()
                .contains("unexpected tensors for LSTM 1x4 (emsize 4, 8 words): extra.weight"));
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> StateDict.read(exported, ModelType.GRU));
        assertTrue(wrongType.getMessage().contains("holds a LSTM model, not GRU"), wrongType.getMessage());
    }
}
