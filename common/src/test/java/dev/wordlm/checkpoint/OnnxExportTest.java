package dev.wordlm.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported graph, run by ONNX Runtime, against our own model: log-probabilities and returned hidden states over
 * a few steps, each step starting from the state the previous one returned.
 */
class OnnxExportTest {
    private static final int VOCAB = 23;
    private static final int SIZE = 8;
    private static final int LAYERS = 2;
    private static final int SEQ = 5;
    private static final int BATCH = 3;
    private static final int STEPS = 3;

    @TempDir
    Path dir;

    static List<Arguments> models() {
        return List.of(Arguments.of(ModelType.LSTM, false), Arguments.of(ModelType.LSTM, true),
                Arguments.of(ModelType.GRU, false), Arguments.of(ModelType.GRU, true),
                Arguments.of(ModelType.RNN_TANH, false), Arguments.of(ModelType.RNN_TANH, true),
                Arguments.of(ModelType.RNN_RELU, false), Arguments.of(ModelType.RNN_RELU, true));
    }

    @ParameterizedTest(name = "{0} tied={1}")
    @MethodSource("models")
    void onnxRuntimeGivesOurLogProbabilitiesAndStates(ModelType type, boolean tied) throws OrtException {
        Engines.pytorch().setRandomSeed(31);
        ModelConfig c = new ModelConfig(type, VOCAB, SIZE, SIZE, LAYERS, 0.2f, tied);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint cp = checkpoint(c, m);
            RnnLanguageModel ours = cp.toModel(m, Device.cpu());
            byte[] onnx = OnnxExport.model(cp);
            Random random = new Random(7);
            int states = type == ModelType.LSTM ? 2 : 1;
            // a non-zero starting state, so the graph's state inputs are really read
            float[][] state = new float[states][LAYERS * BATCH * SIZE];
            for (float[] s : state) {
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (random.nextGaussian() * 0.5);
                }
            }
            float[][] ortState = state.clone();
            try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
                assertEquals(type == ModelType.LSTM ? List.of("input", "h0", "c0") : List.of("input", "h0"),
                        List.copyOf(session.getInputNames()));
                for (int step = 0; step < STEPS; step++) {
                    long[] tokens = new long[SEQ * BATCH];
                    for (int i = 0; i < tokens.length; i++) {
                        tokens[i] = random.nextInt(VOCAB);
                    }
                    float[] expected;
                    try (NDManager s = m.newSubManager()) {
                        NDList hidden = new NDList();
                        for (float[] st : state) {
                            hidden.add(s.create(st, new Shape(LAYERS, BATCH, SIZE)));
                        }
                        NDList out = ours.forward(s.create(tokens, new Shape(SEQ, BATCH)), hidden, false);
                        expected = out.head().logSoftmax(1).toFloatArray();
                        for (int k = 0; k < states; k++) {
                            state[k] = out.get(k + 1).toFloatArray();
                        }
                    }
                    Map<String, OnnxTensor> inputs = new HashMap<>();
                    inputs.put("input", OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {SEQ, BATCH}));
                    String[] names = {"h0", "c0"};
                    for (int k = 0; k < states; k++) {
                        inputs.put(names[k], OnnxTensor.createTensor(env, FloatBuffer.wrap(ortState[k]),
                                new long[] {LAYERS, BATCH, SIZE}));
                    }
                    try (OrtSession.Result r = session.run(inputs)) {
                        OnnxTensor output = (OnnxTensor) r.get("output").orElseThrow();
                        assertArrayEquals(new long[] {SEQ * BATCH, VOCAB}, output.getInfo().getShape());
                        close(expected, floats(output), type + " log-probs, step " + step);
                        String[] outNames = {"hn", "cn"};
                        for (int k = 0; k < states; k++) {
                            OnnxTensor t = (OnnxTensor) r.get(outNames[k]).orElseThrow();
                            assertArrayEquals(new long[] {LAYERS, BATCH, SIZE}, t.getInfo().getShape());
                            ortState[k] = floats(t);
                            close(state[k], ortState[k], type + " " + outNames[k] + ", step " + step);
                        }
                    } finally {
                        inputs.values().forEach(OnnxTensor::close);
                    }
                }
            }
        }
    }

    /** The graph carries the reference's constructor arguments and the vocabulary, as the safetensors export does. */
    @Test
    void metadataHasTheConfigAndVocabulary() throws OrtException {
        Engines.pytorch().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint cp = checkpoint(new ModelConfig(ModelType.GRU, VOCAB, SIZE, SIZE, 1, 0f, false), m);
            Path file = dir.resolve("m.onnx");
            OnnxExport.export(cp, file);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
                Map<String, String> meta = session.getMetadata().getCustomMetadata();
                assertTrue(meta.get("config").contains("\"rnn_type\":\"GRU\""), meta.toString());
                assertTrue(meta.get("vocabulary").startsWith("[\"w0\",\"w1\""), meta.toString());
                assertEquals(List.of("output", "hn"), List.copyOf(session.getOutputNames()));
            }
        }
    }

    private Checkpoint checkpoint(ModelConfig c, NDManager m) {
        RnnLanguageModel model = RnnLanguageModel.initialize(c, m, Device.cpu());
        TrainConfig t = TrainConfig.builder().model(c.type()).size(c.nhid()).nlayers(c.nlayers()).tied(c.tied()).build();
        Path file = dir.resolve(c.type() + "-" + c.tied() + ".wlm");
        Checkpoint.save(file, model, t, CheckpointTest.vocabulary(c.vocabSize()), 1, 20, 3.0, 3.0, "abc");
        return Checkpoint.load(file);
    }

    private static float[] floats(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    /** Relative 1e-4 (absolute below magnitude 1): float32 kernels that sum in another order, far below any bug. */
    private static void close(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-4 * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tolerance, what + " [" + i + "]");
        }
    }
}
