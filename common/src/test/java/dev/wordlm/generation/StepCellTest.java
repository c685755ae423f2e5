package dev.wordlm.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hand-written one-step cell computes what PyTorch's fused op computes, step after step. */
class StepCellTest {
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void stepByStepEqualsTheFusedOp(ModelType type) {
        Engines.pytorch().setRandomSeed(3);
        Autograd.record(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel model = RnnLanguageModel.initialize(new ModelConfig(type, 200, 12, 32, 3, 0.5f, false), m,
                    Device.cpu());
            long[] tokens = {3, 17, 5, 199, 0, 122, 8, 8, 1, 30};
            NDArray fused = model.forward(m.create(tokens, new Shape(tokens.length, 1)), model.initialState(m, 1), false)
                    .head().softmax(1);
            // one part, and several: row blocks of the decoder (200 rows: 3 blocks) and of the layers (2 blocks) on helper threads
            for (int parts : new int[] {1, 3}) {
            try (StepCell cell = new StepCell(model, parts)) {
                int entries = type == ModelType.LSTM ? 6 : 3;
                NDList state = new NDList();
                for (int k = 0; k < entries; k++) {
                    state.add(m.zeros(new Shape(1, 32)));
                }
                for (int t = 0; t < tokens.length; t++) {
                    NDList out = cell.step(m.create(new long[] {tokens[t]}), state, 1f);
                    float[] expected = fused.get(t).toFloatArray();
                    float[] actual = out.head().toFloatArray();
                    for (int v = 0; v < expected.length; v++) {
                        assertEquals(expected[v], actual[v], 1e-6, type + " parts " + parts + " step " + t + " word " + v);
                    }
                    state = out.subNDList(1);
                }
            }
            }
        }
    }
}
