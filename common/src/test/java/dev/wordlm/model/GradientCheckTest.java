package dev.wordlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.engine.Autograd;
import dev.wordlm.engine.Engines;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Back-propagation through the fused ops (and through the Transformer's attention, feed-forward and layer norms)
 * agrees with central finite differences, in float64.
 */
class GradientCheckTest {
    static final long[] INPUT = {1, 4, 2, 0, 3, 5, 2, 1}; // (T=4, B=2)
    static final long[] TARGET = {4, 2, 0, 3, 5, 1, 1, 0};

    static RnnLanguageModel tinyModel(NDManager m, ModelType type, boolean tied) {
        Engines.pytorch().setRandomSeed(42);
        // the Transformer's two heads need an even emsize; nhid 5 keeps its feed-forward a different size
        ModelConfig c = type == ModelType.TRANSFORMER ? new ModelConfig(type, 6, 4, 5, 2, 0f, tied, 2)
                : new ModelConfig(type, 6, 3, 3, 2, 0f, tied);
        RnnLanguageModel f32 = RnnLanguageModel.initialize(c, m, Device.cpu());
        Map<String, NDArray> f64 = new LinkedHashMap<>();
        NDManager owner = m.newSubManager();
        f32.storedParameters().forEach((k, v) -> {
            NDArray d = v.toType(DataType.FLOAT64, true);
            d.attach(owner);
            f64.put(k, d);
        });
        return RnnLanguageModel.fromArrays(c, owner, f64);
    }

    static double loss(RnnLanguageModel model, NDManager m) {
        try (NDManager s = m.newSubManager()) {
            NDList out = model.forward(s.create(INPUT, new Shape(4, 2)), model.initialState(s, 2), true);
            return RnnLanguageModel.crossEntropy(out.head(), s.create(TARGET)).getDouble();
        }
    }

    /** Autograd gradients of every distinct parameter, as host arrays. */
    static Map<NDArray, double[]> gradients(RnnLanguageModel model, NDManager m) {
        model.requireGradients();
        // identity keys: NDArray.equals compares contents, and a tied pair starts with equal contents
        Map<NDArray, double[]> g = new java.util.IdentityHashMap<>();
        try (NDManager s = m.newSubManager()) {
            Autograd.record(true);
            NDList out = model.forward(s.create(INPUT, new Shape(4, 2)), model.initialState(s, 2), true);
            NDArray l = RnnLanguageModel.crossEntropy(out.head(), s.create(TARGET));
            Autograd.backward(l);
            Autograd.record(false);
            for (NDArray p : model.parameters()) {
                NDArray grad = p.getGradient();
                grad.attach(s);
                g.put(p, grad.toDoubleArray());
                Autograd.zeroGradient(p);
            }
        }
        return g;
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void backwardMatchesFiniteDifferences(ModelType type) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel model = tinyModel(m, type, false);
            Map<NDArray, double[]> grads = gradients(model, m);
            Random pick = new Random(1);
            double eps = 1e-6;
            int checked = 0;
            for (Map.Entry<String, NDArray> e : model.storedParameters().entrySet()) {
                NDArray p = e.getValue();
                double[] analytic = grads.get(p);
                for (int k = 0; k < 4; k++) {
                    int i = pick.nextInt((int) p.size());
                    double numeric = (perturbed(model, m, p, i, eps) - perturbed(model, m, p, i, -eps)) / (2 * eps);
                    assertEquals(numeric, analytic[i], 1e-6 + 1e-4 * Math.abs(numeric),
                            type + " " + e.getKey() + "[" + i + "]");
                    checked++;
                }
            }
            assertTrue(checked >= 4 * 7);
        }
    }

    private static double perturbed(RnnLanguageModel model, NDManager m, NDArray p, int flatIndex, double delta) {
        double[] v = p.toDoubleArray();
        double original = v[flatIndex];
        v[flatIndex] = original + delta;
        Autograd.record(false);
        p.set(java.nio.DoubleBuffer.wrap(v));
        double l = loss(model, m);
        v[flatIndex] = original;
        p.set(java.nio.DoubleBuffer.wrap(v));
        return l;
    }

    @Test
    void tiedWeightIsOneParameterWithBothGradients() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel tied = tinyModel(m, ModelType.LSTM, true);
            assertSame(tied.namedParameters().get(RnnLanguageModel.ENCODER_WEIGHT),
                    tied.namedParameters().get(RnnLanguageModel.DECODER_WEIGHT));
            assertEquals(tied.storedParameters().size(), tied.parameters().size());
            assertEquals(tied.config().parameterCount(),
                    tied.parameters().stream().mapToLong(NDArray::size).sum());

            // The same values, untied: the tied gradient must be the sum of the encoder's and decoder's.
            Map<String, NDArray> untiedArrays = new LinkedHashMap<>();
            NDManager owner = m.newSubManager();
            // fresh arrays from host copies: nothing shared with the tied model's tensors
            tied.storedParameters().forEach((k, v) -> untiedArrays.put(k, owner.create(v.toDoubleArray(), v.getShape())));
            NDArray encoder = tied.namedParameters().get(RnnLanguageModel.ENCODER_WEIGHT);
            untiedArrays.put(RnnLanguageModel.DECODER_WEIGHT, owner.create(encoder.toDoubleArray(), encoder.getShape()));
            ModelConfig c = tied.config();
            RnnLanguageModel untied = RnnLanguageModel.fromArrays(
                    new ModelConfig(c.type(), c.vocabSize(), c.emsize(), c.nhid(), c.nlayers(), c.dropout(), false),
                    owner, untiedArrays);

            double[] tiedGrad = gradients(tied, m).get(tied.namedParameters().get(RnnLanguageModel.ENCODER_WEIGHT));
            Map<NDArray, double[]> ug = gradients(untied, m);
            double[] enc = ug.get(untied.namedParameters().get(RnnLanguageModel.ENCODER_WEIGHT));
            double[] dec = ug.get(untied.namedParameters().get(RnnLanguageModel.DECODER_WEIGHT));
            double decoderMass = 0;
            double encoderMass = 0;
            for (int i = 0; i < tiedGrad.length; i++) {
                assertEquals(enc[i] + dec[i], tiedGrad[i], 1e-12, "element " + i);
                decoderMass += Math.abs(dec[i]);
                encoderMass += Math.abs(enc[i]);
            }
            assertTrue(decoderMass > 1e-3 && encoderMass > 1e-3, "both uses contribute a gradient");
            assertEquals(loss(tied, m), loss(untied, m), 1e-12);
        }
    }

    @Test
    void seedMakesInitialisationReproducible() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelConfig c = new ModelConfig(ModelType.GRU, 50, 8, 8, 1, 0.2f, false);
            Engine.getEngine("PyTorch").setRandomSeed(7);
            double a = RnnLanguageModel.initialize(c, m, Device.cpu()).parameterSquareSum();
            Engine.getEngine("PyTorch").setRandomSeed(7);
            double b = RnnLanguageModel.initialize(c, m, Device.cpu()).parameterSquareSum();
            assertEquals(a, b, 0.0);
            // encoder/decoder U(-0.1, 0.1), recurrent U(-1/sqrt(8), 1/sqrt(8)), decoder bias 0
            RnnLanguageModel model = RnnLanguageModel.initialize(c, m, Device.cpu());
            assertTrue(model.namedParameters().get("encoder.weight").abs().max().getFloat() <= 0.1f);
            assertTrue(model.namedParameters().get("rnn.weight_hh_l0").abs().max().getFloat() <= 1 / Math.sqrt(8) + 1e-6);
            assertEquals(0f, model.namedParameters().get("decoder.bias").abs().sum().getFloat());
        }
    }
}
