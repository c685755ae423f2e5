package dev.wordlm.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.recurrent.RNN;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference's {@code RNNModel}: embedding, dropout, {@code nlayers} recurrent layers (PyTorch's fused
 * {@code torch::lstm} / {@code gru} / {@code rnn_tanh} / {@code rnn_relu} ops, dropout between layers), dropout,
 * linear decoder. Input is time-major (TNC), like the reference.
 *
 * <p>Parameters are plain arrays owned by this model's manager, named as PyTorch names them
 * ({@code encoder.weight}, {@code rnn.weight_ih_l0}, ...). With {@code tied}, {@code decoder.weight} is the
 * very same array as {@code encoder.weight}: one tensor, into which both uses accumulate their gradients.
 *
 * <p>With {@link ModelType#TRANSFORMER} it is the reference's {@code TransformerModel} instead ({@link
 * TransformerLayers}): the same contract with an empty state, since nothing is carried from one batch to the next.
 */
public final class RnnLanguageModel implements AutoCloseable {
    public static final String ENCODER_WEIGHT = "encoder.weight";
    public static final String DECODER_WEIGHT = "decoder.weight";
    public static final String DECODER_BIAS = "decoder.bias";

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final NDList rnnWeights;

    private RnnLanguageModel(ModelConfig config, NDManager manager, Map<String, NDArray> parameters) {
        this.config = config;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.rnnWeights = new NDList();
        for (int layer = 0; config.type().isRecurrent() && layer < config.nlayers(); layer++) {
            // torch's flat weight order per layer: w_ih, w_hh, b_ih, b_hh
            rnnWeights.add(parameters.get(rnnName("weight_ih", layer)));
            rnnWeights.add(parameters.get(rnnName("weight_hh", layer)));
            rnnWeights.add(parameters.get(rnnName("bias_ih", layer)));
            rnnWeights.add(parameters.get(rnnName("bias_hh", layer)));
        }
    }

    /**
     * A freshly initialised model, as the reference initialises it: encoder and decoder weights U(-0.1, 0.1),
     * decoder bias 0, recurrent weights and biases U(-1/sqrt(nhid), 1/sqrt(nhid)) (PyTorch's RNN default).
     * The engine's random seed must be set before, for reproducible weights.
     */
    public static RnnLanguageModel initialize(ModelConfig config, NDManager parent, Device device) {
        NDManager manager = parent.newSubManager(device);
        if (config.type() == ModelType.TRANSFORMER) {
            return fromArrays(config, manager, TransformerLayers.initialize(config, manager));
        }
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : shapes(config).entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            NDArray value;
            if (name.equals(DECODER_BIAS)) {
                value = manager.zeros(shape);
            } else if (name.startsWith("rnn.")) {
                float k = (float) (1.0 / Math.sqrt(config.nhid()));
                value = manager.randomUniform(-k, k, shape);
            } else {
                value = manager.randomUniform(-0.1f, 0.1f, shape);
            }
            p.put(name, value);
        }
        return fromArrays(config, manager, p);
    }

    /** A model around loaded arrays (which {@code manager} owns); validates names and shapes. */
    public static RnnLanguageModel fromArrays(ModelConfig config, NDManager manager, Map<String, NDArray> arrays) {
        Map<String, Shape> expected = shapes(config);
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            NDArray a = arrays.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("missing parameter " + e.getKey());
            }
            if (!a.getShape().equals(e.getValue())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has shape " + a.getShape()
                        + ", expected " + e.getValue() + " for " + config);
            }
            p.put(e.getKey(), a);
        }
        for (String name : arrays.keySet()) {
            if (!expected.containsKey(name) && !(config.tied() && name.equals(DECODER_WEIGHT))) {
                throw new IllegalArgumentException("unexpected parameter " + name + " for " + config);
            }
        }
        if (config.tied()) {
            p.put(DECODER_WEIGHT, p.get(ENCODER_WEIGHT));
        }
        return new RnnLanguageModel(config, manager, p);
    }

    /** Names and shapes of the stored parameters, in a fixed order; a tied decoder weight is not listed. */
    public static Map<String, Shape> shapes(ModelConfig c) {
        if (c.type() == ModelType.TRANSFORMER) {
            return TransformerLayers.shapes(c);
        }
        Map<String, Shape> s = new LinkedHashMap<>();
        long g = (long) c.type().gates() * c.nhid();
        s.put(ENCODER_WEIGHT, new Shape(c.vocabSize(), c.emsize()));
        for (int layer = 0; layer < c.nlayers(); layer++) {
            int in = layer == 0 ? c.emsize() : c.nhid();
            s.put(rnnName("weight_ih", layer), new Shape(g, in));
            s.put(rnnName("weight_hh", layer), new Shape(g, c.nhid()));
            s.put(rnnName("bias_ih", layer), new Shape(g));
            s.put(rnnName("bias_hh", layer), new Shape(g));
        }
        if (!c.tied()) {
            s.put(DECODER_WEIGHT, new Shape(c.vocabSize(), c.nhid()));
        }
        s.put(DECODER_BIAS, new Shape(c.vocabSize()));
        return s;
    }

    static String rnnName(String kind, int layer) {
        return "rnn." + kind + "_l" + layer;
    }

    public ModelConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    public NDManager manager() {
        return manager;
    }

    /** All parameters by name; with {@code tied}, two names map to one array. */
    public Map<String, NDArray> namedParameters() {
        return parameters;
    }

    /** Each distinct trainable array once, in a fixed order (a tied weight appears once). */
    public List<NDArray> parameters() {
        List<NDArray> list = new ArrayList<>();
        for (NDArray a : parameters.values()) {
            if (list.stream().noneMatch(x -> x == a)) {
                list.add(a);
            }
        }
        return list;
    }

    /** Parameters to store in a checkpoint: every name except a tied decoder weight. */
    public Map<String, NDArray> storedParameters() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (String name : shapes(config).keySet()) {
            m.put(name, parameters.get(name));
        }
        return m;
    }

    /** Marks every parameter as requiring gradients, for training. */
    public void requireGradients() {
        for (NDArray p : parameters()) {
            p.setRequiresGradient(true);
        }
    }

    /**
     * Zero hidden state for a batch: (h) for RNN/GRU, (h, c) for LSTM; shape (nlayers, batch, nhid). Empty for the
     * Transformer, which carries no state.
     */
    public NDList initialState(NDManager m, int batch) {
        if (!config.type().isRecurrent()) {
            return new NDList();
        }
        Shape shape = new Shape(config.nlayers(), batch, config.nhid());
        DataType type = parameters.get(ENCODER_WEIGHT).getDataType();
        NDList state = new NDList(m.zeros(shape, type, manager.getDevice()));
        if (config.type() == ModelType.LSTM) {
            state.add(m.zeros(shape, type, manager.getDevice()));
        }
        return state;
    }

    /**
     * One forward pass.
     *
     * @param input    token ids, shape (T, B), int64, on this model's device; results belong to its manager
     * @param state    hidden state from {@link #initialState} or a previous call
     * @param training applies dropout when true
     * @return logits of shape (T*B, vocab) (un-normalised, like the decoder's output), then the new state (none for
     *         the Transformer, whose every column starts afresh at each call, as the reference's does at each batch)
     */
    public NDList forward(NDArray input, NDList state, boolean training) {
        if (config.type() == ModelType.TRANSFORMER) {
            return new NDList(TransformerLayers.forward(config, parameters, input, training));
        }
        float drop = training ? config.dropout() : 0f;
        NDList out = recurrent(input, state, training);
        NDArray output = dropout(out.get(0), drop);
        NDArray flat = output.reshape(-1, config.nhid());
        NDArray logits = flat.getNDArrayInternal()
                .linear(flat, parameters.get(DECODER_WEIGHT), parameters.get(DECODER_BIAS)).singletonOrThrow();
        NDList result = new NDList(logits);
        result.addAll(out.subNDList(1));
        return result;
    }

    /**
     * The Transformer's logits for the last position of each column of {@code input} (T, B): (B, vocab), in inference
     * mode. The same values as the last rows of {@link #forward}'s, with only those rows decoded.
     */
    public NDArray lastLogits(NDArray input) {
        if (config.type() != ModelType.TRANSFORMER) {
            throw new UnsupportedOperationException("lastLogits reads a context window: the Transformer's way to step");
        }
        return TransformerLayers.lastLogits(config, parameters, input);
    }

    /**
     * The state after reading {@code input} (inference: no dropout), without the decoder's logits: what a prompt
     * needs before generation. Same shapes and ownership as the state {@link #forward} returns.
     */
    public NDList advance(NDArray input, NDList state) {
        if (!config.type().isRecurrent()) {
            throw new UnsupportedOperationException("the Transformer has no state to advance: it reads its context anew");
        }
        return recurrent(input, state, false).subNDList(1);
    }

    /** Embedding, dropout and the fused recurrent op: the layers' output (T, B, nhid), then the new state. */
    private NDList recurrent(NDArray input, NDList state, boolean training) {
        NDArrayEx ex = input.getNDArrayInternal();
        NDArray emb = ex.embedding(input, parameters.get(ENCODER_WEIGHT), SparseFormat.DENSE).singletonOrThrow();
        emb = dropout(emb, training ? config.dropout() : 0f);
        return switch (config.type()) {
            case LSTM -> emb.getNDArrayInternal().lstm(emb, state, rnnWeights, true, config.nlayers(),
                    config.dropout(), training, false, false);
            case GRU -> emb.getNDArrayInternal().gru(emb, state.head(), rnnWeights, true, config.nlayers(),
                    config.dropout(), training, false, false);
            case TRANSFORMER -> throw new IllegalStateException("the Transformer is not recurrent");
            case RNN_TANH, RNN_RELU -> emb.getNDArrayInternal().rnn(emb, state.head(), rnnWeights, true,
                    config.nlayers(), config.type() == ModelType.RNN_TANH ? RNN.Activation.TANH : RNN.Activation.RELU,
                    config.dropout(), training, false, false);
        };
    }

    /** Mean cross-entropy of logits (N, V) against target ids (N), like {@code nn.CrossEntropyLoss}. */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        NDArray logProbs = logits.logSoftmax(1);
        NDArray picked = logProbs.gather(targets.reshape(-1, 1), 1);
        return picked.mean().neg();
    }

    private static NDArray dropout(NDArray x, float rate) {
        if (rate <= 0f) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
    }

    /** Sum of squares of all parameters, computed on the host: a cheap checksum for tests and logs. */
    public double parameterSquareSum() {
        double s = 0;
        for (NDArray p : parameters()) {
            for (float v : p.toFloatArray()) {
                s += (double) v * v;
            }
        }
        return s;
    }

    @Override
    public void close() {
        manager.close();
    }
}
