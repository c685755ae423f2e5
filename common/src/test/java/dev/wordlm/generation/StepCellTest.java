package dev.wordlm.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.engine.Autograd;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both one-step cells compute what PyTorch's fused op computes, step after step, from a zero or a given state. */
class StepCellTest {
    // 3100 words: the host cell splits its decoder in 3 blocks of at least 1024 outputs
    private static final int VOCAB = 3100;
    private static final long[] TOKENS = {3, 17, 5, 3099, 0, 122, 8, 8, 1, 30, 2048, 1500};

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = "TRANSFORMER", mode = EnumSource.Mode.EXCLUDE) // recurrent cells
    void tensorCellEqualsTheFusedOp(ModelType type) {
        check(type, TensorStepCell::new);
    }

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = "TRANSFORMER", mode = EnumSource.Mode.EXCLUDE) // recurrent cells
    void hostCellEqualsTheFusedOp(ModelType type) {
        // the calling thread alone, and the decoder in blocks on helper threads
        check(type, model -> new HostStepCell(model, 1));
        check(type, model -> new HostStepCell(model, 3));
    }

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = "TRANSFORMER", mode = EnumSource.Mode.EXCLUDE) // recurrent cells
    void hostCellAtTheLowestTemperatureStaysFinite(ModelType type) {
        Engines.pytorch().setRandomSeed(11);
        Autograd.record(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = model(type, m);
             HostStepCell cell = new HostStepCell(model, 3)) {
            float[][] zero = new float[type == ModelType.LSTM ? 6 : 3][32];
            NDArray logits = model.forward(m.create(new long[] {42}, new Shape(1, 1)), model.initialState(m, 1), false)
                    .head();
            int best = (int) logits.argMax(1).getLong(0);
            try (StepCell.Stream stream = cell.open(zero)) {
                double temperature = GenerationRequest.MIN_TEMPERATURE;
                float[] weights = stream.next(42, (float) temperature);
                float[] l = logits.toFloatArray();
                assertEquals(1f, weights[best], type.toString());
                for (int v = 0; v < weights.length; v++) {
                    // logits / T span hundreds here: exp without the shift by the maximum would overflow
                    double expected = Math.exp((l[v] - l[best]) / temperature);
                    assertTrue(Float.isFinite(weights[v]), "word " + v);
                    assertEquals(expected, weights[v], 1e-3, type + " word " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = "TRANSFORMER", mode = EnumSource.Mode.EXCLUDE) // recurrent cells
    void tensorCellStepsBatchesLikeSingleRows(ModelType type) {
        Engines.pytorch().setRandomSeed(5);
        Autograd.record(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = model(type, m);
             TensorStepCell cell = new TensorStepCell(model)) {
            int entries = type == ModelType.LSTM ? 6 : 3;
            NDList state = new NDList();
            for (int k = 0; k < entries; k++) {
                state.add(m.randomUniform(-0.5f, 0.5f, new Shape(2, 32)));
            }
            NDList both = cell.step(m.create(new long[] {7, 900}), state, 0.7f);
            for (int row = 0; row < 2; row++) {
                NDList one = new NDList();
                for (NDArray s : state) {
                    one.add(s.get(row).expandDims(0));
                }
                float[] single = cell.step(m.create(new long[] {row == 0 ? 7 : 900}), one, 0.7f).head().toFloatArray();
                float[] batched = both.head().get(row).toFloatArray();
                for (int v = 0; v < VOCAB; v += 97) {
                    assertEquals(single[v], batched[v], 1e-6, type + " row " + row + " word " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = "TRANSFORMER", mode = EnumSource.Mode.EXCLUDE) // recurrent cells
    void hostBatchIsEachStreamAloneBitForBit(ModelType type) {
        // one thread, and the decoder in blocks on helper threads: the batch sums in the single-stream order either way
        compareBatchWithSingles(type, model -> new HostStepCell(model, 1), 0);
        compareBatchWithSingles(type, model -> new HostStepCell(model, 3), 0);
    }

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = "TRANSFORMER", mode = EnumSource.Mode.EXCLUDE) // recurrent cells
    void tensorBatchIsEachStreamAloneWithinRounding(ModelType type) {
        compareBatchWithSingles(type, TensorStepCell::new, 1e-5);
    }

    /**
     * Steps seven streams (own random states, tokens and temperatures) one by one in one cell and as a batch in
     * another, joining and leaving on the way; the normalised weights must agree within {@code relative}.
     */
    private static void compareBatchWithSingles(ModelType type, Function<RnnLanguageModel, StepCell> newCell,
                                                double relative) {
        Engines.pytorch().setRandomSeed(13);
        Autograd.record(false);
        int streams = 7;
        java.util.Random random = new java.util.Random(type.ordinal());
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = model(type, m);
             StepCell alone = newCell.apply(model);
             StepCell batched = newCell.apply(model)) {
            int entries = type == ModelType.LSTM ? 6 : 3;
            StepCell.Stream[] single = new StepCell.Stream[streams];
            StepCell.Stream[] inBatch = new StepCell.Stream[streams];
            float[] temperatures = new float[streams];
            for (int b = 0; b < streams; b++) {
                float[][] state = new float[entries][32];
                for (float[] entry : state) {
                    for (int k = 0; k < entry.length; k++) {
                        entry[k] = random.nextFloat() - 0.5f;
                    }
                }
                single[b] = alone.open(state);
                inBatch[b] = batched.open(state);
                temperatures[b] = 0.5f + random.nextFloat();
            }
            for (int t = 0; t < 6; t++) {
                // streams 0-3 from the start, 4-6 join at step 2, stream 1 leaves after step 3
                int[] members = t < 2 ? new int[] {0, 1, 2, 3} : t <= 3 ? new int[] {0, 1, 2, 3, 4, 5, 6}
                        : new int[] {0, 2, 3, 4, 5, 6};
                StepCell.Stream[] batch = new StepCell.Stream[members.length];
                int[] tokens = new int[members.length];
                float[] temps = new float[members.length];
                for (int i = 0; i < members.length; i++) {
                    batch[i] = inBatch[members[i]];
                    tokens[i] = random.nextInt(VOCAB);
                    temps[i] = temperatures[members[i]];
                }
                float[][] together = batched.next(batch, tokens, temps, members.length);
                for (int i = 0; i < members.length; i++) {
                    float[] one = single[members[i]].next(tokens[i], temps[i]);
                    String where = type + " " + alone.getClass().getSimpleName() + " step " + t + " stream " + members[i];
                    if (relative == 0) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(one, together[i], where);
                    } else {
                        double sumOne = 0;
                        double sumTogether = 0;
                        for (int v = 0; v < VOCAB; v++) {
                            sumOne += one[v];
                            sumTogether += together[i][v];
                        }
                        for (int v = 0; v < VOCAB; v++) {
                            double p = one[v] / sumOne;
                            assertEquals(p, together[i][v] / sumTogether, relative * p + 1e-12, where + " word " + v);
                        }
                    }
                }
            }
            for (int b = 0; b < streams; b++) {
                single[b].close();
                inBatch[b].close();
            }
        }
    }

    private static RnnLanguageModel model(ModelType type, NDManager m) {
        return RnnLanguageModel.initialize(new ModelConfig(type, VOCAB, 12, 32, 3, 0.5f, false), m, Device.cpu());
    }

    /** Runs the tokens through the fused op and through a cell's stream, from a random state; compares each step. */
    private static void check(ModelType type, Function<RnnLanguageModel, StepCell> newCell) {
        Engines.pytorch().setRandomSeed(3);
        Autograd.record(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = model(type, m)) {
            NDList start = new NDList();
            for (NDArray s : model.initialState(m, 1)) {
                start.add(m.randomUniform(-0.5f, 0.5f, s.getShape()));
            }
            float temperature = 0.8f;
            NDArray fused = model.forward(m.create(TOKENS, new Shape(TOKENS.length, 1)), start, false).head()
                    .div(temperature).softmax(1);
            // the cells take h per layer, then c per layer
            int layers = 3;
            float[][] initial = new float[start.size() * layers][];
            for (int part = 0; part < start.size(); part++) {
                for (int l = 0; l < layers; l++) {
                    initial[part * layers + l] = start.get(part).get(l).toFloatArray();
                }
            }
            try (StepCell cell = newCell.apply(model); StepCell.Stream stream = cell.open(initial)) {
                for (int t = 0; t < TOKENS.length; t++) {
                    float[] weights = stream.next((int) TOKENS[t], temperature);
                    double sum = 0;
                    for (float w : weights) {
                        sum += w;
                    }
                    float[] expected = fused.get(t).toFloatArray();
                    for (int v = 0; v < expected.length; v++) {
                        assertEquals(expected[v], weights[v] / sum, 1e-4 * expected[v] + 1e-9,
                                type + " " + cell.getClass().getSimpleName() + " step " + t + " word " + v);
                    }
                }
            }
        }
    }
}
