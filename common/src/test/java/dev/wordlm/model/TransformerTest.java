package dev.wordlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.engine.Engines;
import dev.wordlm.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Transformer's forward pass against a plain-Java transcription of the reference's modules ({@code
 * MultiheadAttention}, {@code TransformerEncoderLayer} post-norm with ReLU, the encoder's final norm, {@code
 * PositionalEncoding}), its causal mask, its parameter names and its option checks. The gradient check is in
 * {@link GradientCheckTest}.
 */
class TransformerTest {
    static final int V = 7;
    static final int E = 6;
    static final int H = 3;
    static final int F = 5;
    static final int L = 2;
    static final int T = 5;
    static final int B = 2;
    static final long[] INPUT = {1, 4, 2, 0, 3, 5, 6, 1, 0, 2}; // (T, B)

    static ModelConfig config() {
        return new ModelConfig(ModelType.TRANSFORMER, V, E, F, L, 0f, false, H);
    }

    /** A float64 model whose LayerNorm parameters are random too, so a swapped weight and bias would show. */
    static RnnLanguageModel model(NDManager m) {
        Engines.pytorch().setRandomSeed(3);
        ModelConfig c = config();
        Map<String, NDArray> p = new LinkedHashMap<>();
        NDManager owner = m.newSubManager();
        RnnLanguageModel.initialize(c, m, Device.cpu()).storedParameters().forEach((k, v) -> {
            NDArray d = v.add(k.contains("norm") ? owner.randomUniform(-0.3f, 0.3f, v.getShape()) : owner.zeros(v.getShape()))
                    .toType(DataType.FLOAT64, true);
            d.attach(owner);
            p.put(k, d);
        });
        return RnnLanguageModel.fromArrays(c, owner, p);
    }

    static double[] logits(RnnLanguageModel model, NDManager m, long[] input) {
        try (NDManager s = m.newSubManager()) {
            return model.forward(s.create(input, new Shape(T, B)), model.initialState(s, B), false).head().toDoubleArray();
        }
    }

    @Test
    void forwardMatchesAPlainTranscriptionOfTheReference() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel model = model(m);
            double[] got = logits(model, m, INPUT);
            assertEquals(T * B * V, got.length);
            Map<String, double[]> p = new LinkedHashMap<>();
            model.storedParameters().forEach((k, v) -> p.put(k, v.toDoubleArray()));
            for (int b = 0; b < B; b++) {
                double[][] want = HostTransformer.logits(p, column(INPUT, b));
                for (int t = 0; t < T; t++) {
                    for (int v = 0; v < V; v++) {
                        // float positional encoding in both; the rest is float64: agreement to rounding
                        assertEquals(want[t][v], got[(t * B + b) * V + v], 1e-9, "t=" + t + " b=" + b + " v=" + v);
                    }
                }
            }
        }
    }

    @Test
    void lastLogitsAreTheForwardPassesLastRows() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel model = model(m);
            double[] all = logits(model, m, INPUT);
            try (NDManager s = m.newSubManager()) {
                double[] last = model.lastLogits(s.create(INPUT, new Shape(T, B))).toDoubleArray();
                assertEquals(B * V, last.length);
                for (int i = 0; i < B * V; i++) {
                    assertEquals(all[(T - 1) * B * V + i], last[i], 1e-12, "element " + i);
                }
            }
        }
    }

    @Test
    void aPositionSeesOnlyThePositionsBeforeIt() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            RnnLanguageModel model = model(m);
            double[] before = logits(model, m, INPUT);
            long[] changed = INPUT.clone();
            changed[3 * B] = 0; // token t=3 of column 0 (was 6)
            double[] after = logits(model, m, changed);
            for (int t = 0; t < T; t++) {
                double diff = 0;
                for (int v = 0; v < V; v++) {
                    diff = Math.max(diff, Math.abs(before[t * B * V + v] - after[t * B * V + v]));
                    // column 1 never sees column 0
                    assertEquals(before[(t * B + 1) * V + v], after[(t * B + 1) * V + v], 1e-12);
                }
                if (t < 3) {
                    assertEquals(0, diff, 1e-12, "position " + t + " must not see position 3");
                } else {
                    assertTrue(diff > 1e-4, "position " + t + " reads position 3");
                }
            }
        }
    }

    @Test
    void parametersAreNamedAsTheReferenceStateDict() {
        Map<String, Shape> s = RnnLanguageModel.shapes(config());
        assertEquals(new Shape(V, E), s.get("input_emb.weight"));
        assertEquals(new Shape(3 * E, E), s.get("encoder.layers.0.self_attn.in_proj_weight"));
        assertEquals(new Shape(3 * E), s.get("encoder.layers.1.self_attn.in_proj_bias"));
        assertEquals(new Shape(E, E), s.get("encoder.layers.1.self_attn.out_proj.weight"));
        assertEquals(new Shape(F, E), s.get("encoder.layers.0.linear1.weight"));
        assertEquals(new Shape(E, F), s.get("encoder.layers.0.linear2.weight"));
        assertEquals(new Shape(E), s.get("encoder.layers.1.norm2.bias"));
        assertEquals(new Shape(E), s.get("encoder.norm.weight"));
        assertEquals(new Shape(V, E), s.get("decoder.weight"));
        assertEquals(new Shape(V), s.get("decoder.bias"));
        assertEquals(1 + 12 * L + 2 + 2, s.size());
        long perLayer = 3L * E * E + 3 * E + (long) E * E + E + (long) F * E + F + (long) E * F + E + 4L * E;
        assertEquals((long) V * E + L * perLayer + 2L * E + (long) V * E + V, config().parameterCount());
    }

    @Test
    void initialisationIsTheReferences() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Engines.pytorch().setRandomSeed(5);
            ModelConfig c = new ModelConfig(ModelType.TRANSFORMER, 50, 16, 24, 1, 0.2f, false, 4);
            Map<String, NDArray> p = RnnLanguageModel.initialize(c, m, Device.cpu()).namedParameters();
            assertTrue(max(p.get("input_emb.weight")) <= 0.1 && max(p.get("input_emb.weight")) > 0.09);
            assertTrue(max(p.get("decoder.weight")) <= 0.1);
            assertEquals(0, max(p.get("decoder.bias")));
            double xavier = Math.sqrt(6.0 / (16 + 48));
            assertTrue(max(p.get("encoder.layers.0.self_attn.in_proj_weight")) <= xavier
                    && max(p.get("encoder.layers.0.self_attn.in_proj_weight")) > 0.9 * xavier);
            assertEquals(0, max(p.get("encoder.layers.0.self_attn.in_proj_bias")));
            assertEquals(0, max(p.get("encoder.layers.0.self_attn.out_proj.bias")));
            assertTrue(max(p.get("encoder.layers.0.linear1.bias")) <= 1 / Math.sqrt(16));
            assertTrue(max(p.get("encoder.layers.0.linear2.bias")) <= 1 / Math.sqrt(24));
            assertEquals(16f, p.get("encoder.layers.0.norm1.weight").sum().getFloat());
            assertEquals(0, max(p.get("encoder.norm.bias")));
        }
    }

    private static double max(NDArray a) {
        return a.abs().max().getFloat();
    }

    @Test
    void theReferencesSpellingAndAHeadCountThatDividesTheEmbedding() {
        assertEquals(ModelType.TRANSFORMER, ModelType.parse("Transformer"));
        assertEquals(ModelType.TRANSFORMER, ModelType.parse("transformer"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelConfig(ModelType.TRANSFORMER, 10, 200, 200, 2, 0.2f, false, 3));
        assertTrue(e.getMessage().startsWith("nhead: emsize must be divisible by nhead"), e.getMessage());
        assertTrue(e.getMessage().contains("emsize=200, nhead=3"), e.getMessage());
        // the recurrent types ignore the head count
        new ModelConfig(ModelType.LSTM, 10, 200, 200, 2, 0.2f, false, 3);

        TrainConfig bad = TrainConfig.builder().model(ModelType.TRANSFORMER).emsize(200).nhead(3).build();
        assertEquals(List.of("nhead"), List.copyOf(bad.problems().keySet()));
        assertTrue(bad.problems().get("nhead").contains("emsize must be divisible by nhead"));
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, bad::validated);
        assertTrue(v.getMessage().contains("nhead: emsize must be divisible by nhead"), v.getMessage());
        assertTrue(TrainConfig.builder().model(ModelType.TRANSFORMER).tied(true).build().problems().containsKey("tied"));
        assertTrue(TrainConfig.builder().model(ModelType.TRANSFORMER).build().problems().isEmpty());
        assertTrue(TrainConfig.builder().nhead(0).build().problems().containsKey("nhead"));
    }

    private static long[] column(long[] input, int b) {
        long[] c = new long[T];
        for (int t = 0; t < T; t++) {
            c[t] = input[t * B + b];
        }
        return c;
    }

    /** The reference's modules written out for one column, in double (the positional encoding in float, as torch's). */
    static final class HostTransformer {
        static double[][] logits(Map<String, double[]> p, long[] tokens) {
            int n = tokens.length;
            float[] pe = TransformerLayers.positionalEncoding(n, E);
            double[][] x = new double[n][E];
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < E; i++) {
                    x[t][i] = p.get("input_emb.weight")[(int) tokens[t] * E + i] * Math.sqrt(E) + pe[t * E + i];
                }
            }
            for (int l = 0; l < L; l++) {
                String pre = "encoder.layers." + l + ".";
                double[][] qkv = linear(x, p.get(pre + "self_attn.in_proj_weight"), p.get(pre + "self_attn.in_proj_bias"), 3 * E);
                double[][] context = new double[n][E];
                int d = E / H;
                for (int h = 0; h < H; h++) {
                    for (int t = 0; t < n; t++) {
                        double[] score = new double[t + 1]; // causal: keys 0..t
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j <= t; j++) {
                            double s = 0;
                            for (int k = 0; k < d; k++) {
                                s += qkv[t][h * d + k] * qkv[j][E + h * d + k];
                            }
                            score[j] = s / Math.sqrt(d);
                            max = Math.max(max, score[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j <= t; j++) {
                            score[j] = Math.exp(score[j] - max);
                            sum += score[j];
                        }
                        for (int j = 0; j <= t; j++) {
                            for (int k = 0; k < d; k++) {
                                context[t][h * d + k] += score[j] / sum * qkv[j][2 * E + h * d + k];
                            }
                        }
                    }
                }
                double[][] attended = linear(context, p.get(pre + "self_attn.out_proj.weight"),
                        p.get(pre + "self_attn.out_proj.bias"), E);
                x = norm(add(x, attended), p.get(pre + "norm1.weight"), p.get(pre + "norm1.bias"));
                double[][] hidden = linear(x, p.get(pre + "linear1.weight"), p.get(pre + "linear1.bias"), F);
                for (double[] row : hidden) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = Math.max(0, row[i]);
                    }
                }
                x = norm(add(x, linear(hidden, p.get(pre + "linear2.weight"), p.get(pre + "linear2.bias"), E)),
                        p.get(pre + "norm2.weight"), p.get(pre + "norm2.bias"));
            }
            x = norm(x, p.get("encoder.norm.weight"), p.get("encoder.norm.bias"));
            return linear(x, p.get("decoder.weight"), p.get("decoder.bias"), V);
        }

        static double[][] linear(double[][] x, double[] w, double[] bias, int out) {
            int in = x[0].length;
            double[][] y = new double[x.length][out];
            for (int t = 0; t < x.length; t++) {
                for (int o = 0; o < out; o++) {
                    double s = bias[o];
                    for (int i = 0; i < in; i++) {
                        s += w[o * in + i] * x[t][i];
                    }
                    y[t][o] = s;
                }
            }
            return y;
        }

        static double[][] add(double[][] a, double[][] b) {
            double[][] c = new double[a.length][];
            for (int t = 0; t < a.length; t++) {
                c[t] = a[t].clone();
                for (int i = 0; i < c[t].length; i++) {
                    c[t][i] += b[t][i];
                }
            }
            return c;
        }

        static double[][] norm(double[][] x, double[] gamma, double[] beta) {
            double[][] y = new double[x.length][];
            for (int t = 0; t < x.length; t++) {
                int n = x[t].length;
                double mean = 0;
                for (double v : x[t]) {
                    mean += v / n;
                }
                double var = 0;
                for (double v : x[t]) {
                    var += (v - mean) * (v - mean) / n;
                }
                y[t] = new double[n];
                for (int i = 0; i < n; i++) {
                    y[t][i] = (x[t][i] - mean) / Math.sqrt(var + 1e-5) * gamma[i] + beta[i];
                }
            }
            return y;
        }
    }
}
