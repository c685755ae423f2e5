package dev.wordlm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference's {@code TransformerModel} (an {@code nn.Transformer} whose encoder alone is used): embedding scaled by
 * {@code sqrt(emsize)}, sinusoidal positional encoding, dropout, {@code nlayers} post-norm encoder layers (multi-head
 * self-attention under a causal mask, then a ReLU feed-forward of {@code nhid} units, each with dropout, a residual
 * and a LayerNorm), the encoder's final LayerNorm, the linear decoder. Written with the engine's plain ops
 * (linear, matmul, softmax, layer_norm), so autograd differentiates it like the recurrent ops.
 *
 * <p>Parameters are named as the reference's {@code state_dict} names them ({@code input_emb.weight},
 * {@code encoder.layers.0.self_attn.in_proj_weight}, ..., {@code encoder.norm.weight}, {@code decoder.weight}). The
 * positional encoding is a constant the reference keeps as a buffer ({@code pos_encoder.pe}); here it is computed for
 * the rows in use, never stored.
 *
 * <p>One difference from the reference at its HEAD: there the encoder layers keep {@code nn.Transformer}'s own
 * dropout of 0.1 whatever {@code --dropout} says; here {@code --dropout} applies everywhere (as the reference's
 * earlier {@code TransformerEncoderLayer(..., dropout)} did), so {@code --dropout 0} means no dropout at all.
 */
public final class TransformerLayers {
    public static final String EMBEDDING = "input_emb.weight";
    private static final float LAYER_NORM_EPS = 1e-5f;

    private TransformerLayers() {
    }

    static String layer(int l, String name) {
        return "encoder.layers." + l + "." + name;
    }

    /** Names and shapes of the parameters, in a fixed order. */
    public static Map<String, Shape> shapes(ModelConfig c) {
        long e = c.emsize();
        long f = c.nhid();
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put(EMBEDDING, new Shape(c.vocabSize(), e));
        for (int l = 0; l < c.nlayers(); l++) {
            s.put(layer(l, "self_attn.in_proj_weight"), new Shape(3 * e, e));
            s.put(layer(l, "self_attn.in_proj_bias"), new Shape(3 * e));
            s.put(layer(l, "self_attn.out_proj.weight"), new Shape(e, e));
            s.put(layer(l, "self_attn.out_proj.bias"), new Shape(e));
            s.put(layer(l, "linear1.weight"), new Shape(f, e));
            s.put(layer(l, "linear1.bias"), new Shape(f));
            s.put(layer(l, "linear2.weight"), new Shape(e, f));
            s.put(layer(l, "linear2.bias"), new Shape(e));
            s.put(layer(l, "norm1.weight"), new Shape(e));
            s.put(layer(l, "norm1.bias"), new Shape(e));
            s.put(layer(l, "norm2.weight"), new Shape(e));
            s.put(layer(l, "norm2.bias"), new Shape(e));
        }
        s.put("encoder.norm.weight", new Shape(e));
        s.put("encoder.norm.bias", new Shape(e));
        s.put(RnnLanguageModel.DECODER_WEIGHT, new Shape(c.vocabSize(), e));
        s.put(RnnLanguageModel.DECODER_BIAS, new Shape(c.vocabSize()));
        return s;
    }

    /**
     * Initial values as the reference ends up with them: {@code nn.Transformer} Xavier-uniform on every matrix of the
     * encoder, {@code MultiheadAttention} zero projection biases, {@code nn.Linear}'s U(±1/sqrt(fan_in)) feed-forward
     * biases, LayerNorm weight 1 and bias 0; then {@code init_weights}: embedding and decoder weight U(±0.1), decoder
     * bias 0. The engine's random seed must be set before.
     */
    static Map<String, NDArray> initialize(ModelConfig c, NDManager manager) {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes(c).entrySet()) {
            p.put(e.getKey(), initialValue(c, e.getKey(), e.getValue(), manager));
        }
        return p;
    }

    private static NDArray initialValue(ModelConfig c, String name, Shape shape, NDManager manager) {
        if (name.equals(EMBEDDING) || name.equals(RnnLanguageModel.DECODER_WEIGHT)) {
            return manager.randomUniform(-0.1f, 0.1f, shape);
        }
        if (name.endsWith("norm1.weight") || name.endsWith("norm2.weight") || name.equals("encoder.norm.weight")) {
            return manager.ones(shape);
        }
        if (shape.dimension() == 2) {
            float bound = (float) Math.sqrt(6.0 / (shape.get(0) + shape.get(1)));
            return manager.randomUniform(-bound, bound, shape);
        }
        if (name.endsWith("linear1.bias") || name.endsWith("linear2.bias")) {
            long fanIn = name.endsWith("linear1.bias") ? c.emsize() : c.nhid();
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            return manager.randomUniform(-bound, bound, shape);
        }
        return manager.zeros(shape);
    }

    /**
     * The decoder's logits for every position: {@code (T*B, vocab)}, un-normalised like the recurrent model's (their
     * log-softmax is the reference's output). Position {@code t} sees positions {@code 0..t} of its own column only.
     *
     * @param input token ids (T, B), int64; the results belong to its manager
     */
    static NDArray forward(ModelConfig c, Map<String, NDArray> p, NDArray input, boolean training) {
        return linear(encode(c, p, input, training), p, "decoder").reshape(-1, c.vocabSize());
    }

    /**
     * The decoder's logits for the last position of each column only, {@code (B, vocab)}: what generation samples
     * from, without the decoder's product for the positions before it (the largest product for a large vocabulary).
     */
    static NDArray lastLogits(ModelConfig c, Map<String, NDArray> p, NDArray input) {
        int steps = (int) input.getShape().get(0);
        return linear(encode(c, p, input, false).get(steps - 1), p, "decoder");
    }

    /** The encoder's output (T, B, E): everything before the decoder. */
    private static NDArray encode(ModelConfig c, Map<String, NDArray> p, NDArray input, boolean training) {
        float drop = training ? c.dropout() : 0f;
        int steps = (int) input.getShape().get(0);
        int batch = (int) input.getShape().get(1);
        NDArray embedding = p.get(EMBEDDING);
        DataType type = embedding.getDataType();
        NDManager m = input.getManager();
        NDArray x = input.getNDArrayInternal().embedding(input, embedding, SparseFormat.DENSE).singletonOrThrow()
                .mul(Math.sqrt(c.emsize()));
        x = dropout(x.add(constant(m, positionalEncoding(steps, c.emsize()), new Shape(steps, 1, c.emsize()), type)),
                drop);
        NDArray mask = constant(m, causalMask(steps), new Shape(steps, steps), type);
        for (int l = 0; l < c.nlayers(); l++) {
            NDArray attended = selfAttention(c, p, l, x, mask, steps, batch, drop);
            x = layerNorm(x.add(dropout(attended, drop)), p, layer(l, "norm1"), c.emsize());
            NDArray hidden = dropout(linear(x, p, layer(l, "linear1")).getNDArrayInternal().relu(), drop);
            x = layerNorm(x.add(dropout(linear(hidden, p, layer(l, "linear2")), drop)), p, layer(l, "norm2"), c.emsize());
        }
        return layerNorm(x, p, "encoder.norm", c.emsize());
    }

    /** {@code nn.MultiheadAttention} over (T, B, E) with the packed q/k/v projection, as PyTorch lays out its heads. */
    private static NDArray selfAttention(ModelConfig c, Map<String, NDArray> p, int l, NDArray x, NDArray mask,
                                         int steps, int batch, float drop) {
        int heads = c.nhead();
        int headSize = c.emsize() / heads;
        NDArray qkv = x.getNDArrayInternal().linear(x, p.get(layer(l, "self_attn.in_proj_weight")),
                p.get(layer(l, "self_attn.in_proj_bias"))).singletonOrThrow();
        NDList parts = qkv.split(3, 2); // q, k, v, each (T, B, E)
        // (T, B, E) -> (B*H, T, D): column b's head h is row b*H + h, PyTorch's order
        NDArray q = parts.get(0).reshape(steps, (long) batch * heads, headSize).transpose(1, 0, 2)
                .mul(1.0 / Math.sqrt(headSize));
        NDArray k = parts.get(1).reshape(steps, (long) batch * heads, headSize).transpose(1, 2, 0);
        NDArray v = parts.get(2).reshape(steps, (long) batch * heads, headSize).transpose(1, 0, 2);
        NDArray weights = dropout(q.matMul(k).add(mask).softmax(-1), drop);
        NDArray context = weights.matMul(v).transpose(1, 0, 2).reshape(steps, batch, c.emsize());
        return context.getNDArrayInternal().linear(context, p.get(layer(l, "self_attn.out_proj.weight")),
                p.get(layer(l, "self_attn.out_proj.bias"))).singletonOrThrow();
    }

    private static NDArray linear(NDArray x, Map<String, NDArray> p, String prefix) {
        return x.getNDArrayInternal().linear(x, p.get(prefix + ".weight"), p.get(prefix + ".bias")).singletonOrThrow();
    }

    private static NDArray layerNorm(NDArray x, Map<String, NDArray> p, String prefix, int size) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(size), p.get(prefix + ".weight"), p.get(prefix + ".bias"),
                LAYER_NORM_EPS).singletonOrThrow();
    }

    private static NDArray dropout(NDArray x, float rate) {
        if (rate <= 0f) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
    }

    private static NDArray constant(NDManager m, float[] values, Shape shape, DataType type) {
        NDArray a = m.create(values, shape);
        return type == DataType.FLOAT32 ? a : a.toType(type, false);
    }

    /**
     * The reference's {@code PositionalEncoding} rows {@code 0..steps): {@code pe[t, 2i] = sin(t * w_i)},
     * {@code pe[t, 2i+1] = cos(t * w_i)}, {@code w_i = exp(2i * -ln(10000) / d)}, in float as PyTorch computes it.
     * An odd {@code d} (which the reference cannot build) gets the sine in its last column.
     */
    static float[] positionalEncoding(int steps, int d) {
        float[] pe = new float[steps * d];
        float scale = (float) (-Math.log(10000.0) / d);
        for (int i = 0; i < d; i += 2) {
            float w = (float) Math.exp(i * scale);
            for (int t = 0; t < steps; t++) {
                float angle = t * w;
                pe[t * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) {
                    pe[t * d + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return pe;
    }

    /** Additive attention mask: 0 where position {@code j <= t} may be seen from {@code t}, minus infinity after it. */
    static float[] causalMask(int steps) {
        float[] mask = new float[steps * steps];
        for (int t = 0; t < steps; t++) {
            for (int j = t + 1; j < steps; j++) {
                mask[t * steps + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return mask;
    }
}
