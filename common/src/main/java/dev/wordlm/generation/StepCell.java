package dev.wordlm.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.ndarray.index.NDIndex;
import dev.wordlm.engine.Autograd;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One time step of the model, computed with plain matrix products from the model's weights. For generation
 * (one word at a time) this beats the fused recurrent op, whose per-call set-up dominates at sequence length 1
 * (about 0.45 ms per layer on CPU). Same math as the fused op: PyTorch's gate order and equations.
 *
 * <p>Weights are rearranged once: input and hidden weights side by side ({@code [W_ih | W_hh]}) with the two
 * biases summed, so a layer is one {@code linear} over {@code [x, h]}.
 */
final class StepCell implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray encoder;
    private final NDArray decoderWeight;
    private final NDArray decoderBias;
    private final NDArray[] decoderWeightParts;
    private final NDArray[] decoderBiasParts;
    private final ExecutorService decoderHelpers;
    private final NDArray[] weight;
    private final NDArray[] bias;
    private final NDArray[] inputWeight;
    private final NDArray[] hiddenWeight;
    private final NDArray[] inputBias;
    private final NDArray[] hiddenBias;

    StepCell(RnnLanguageModel model) {
        this(model, 1);
    }

    /**
     * @param decoderParts how many threads share the decoder's matrix-vector product at batch 1. The product reads
     *                     the whole vocabulary-by-nhid matrix for every word, and the BLAS inside libtorch runs it on one
     *                     core whatever its thread setting: with parts > 1, rows are split between Java threads.
     */
    StepCell(RnnLanguageModel model, int decoderParts) {
        this.config = model.config();
        this.manager = model.manager().newSubManager();
        Map<String, NDArray> p = model.namedParameters();
        encoder = p.get(RnnLanguageModel.ENCODER_WEIGHT);
        decoderWeight = p.get(RnnLanguageModel.DECODER_WEIGHT);
        decoderBias = p.get(RnnLanguageModel.DECODER_BIAS);
        int parts = Math.max(1, Math.min(decoderParts, 8));
        decoderWeightParts = new NDArray[parts];
        decoderBiasParts = new NDArray[parts];
        long rows = config.vocabSize();
        for (int k = 0; k < parts; k++) {
            long from = rows * k / parts;
            long to = rows * (k + 1) / parts;
            NDArray w = parts == 1 ? decoderWeight : decoderWeight.get(new NDIndex("{}:{}", from, to));
            NDArray b = parts == 1 ? decoderBias : decoderBias.get(new NDIndex("{}:{}", from, to));
            if (parts > 1) {
                w.attach(manager);
                b.attach(manager);
            }
            decoderWeightParts[k] = w;
            decoderBiasParts[k] = b;
        }
        decoderHelpers = parts == 1 ? null : Executors.newFixedThreadPool(parts - 1, r -> {
            Thread t = new Thread(r, "decoder-part");
            t.setDaemon(true);
            return t;
        });
        int layers = config.nlayers();
        weight = new NDArray[layers];
        bias = new NDArray[layers];
        inputWeight = new NDArray[layers];
        hiddenWeight = new NDArray[layers];
        inputBias = new NDArray[layers];
        hiddenBias = new NDArray[layers];
        int h = config.nhid();
        for (int l = 0; l < layers; l++) {
            NDArray wih = p.get("rnn.weight_ih_l" + l);
            NDArray whh = p.get("rnn.weight_hh_l" + l);
            NDArray bih = p.get("rnn.bias_ih_l" + l);
            NDArray bhh = p.get("rnn.bias_hh_l" + l);
            if (config.type() == ModelType.GRU) {
                // The reset gate multiplies only the hidden part of the candidate: keep the halves apart.
                inputWeight[l] = wih;
                hiddenWeight[l] = whh;
                inputBias[l] = bih;
                hiddenBias[l] = bhh;
                continue;
            }
            NDArray w = NDArrays.concat(new NDList(wih, whh), 1);
            NDArray b = bih.add(bhh);
            w.attach(manager);
            b.attach(manager);
            weight[l] = w;
            bias[l] = b;
        }
    }

    /**
     * Advances the state by one token for each row of {@code tokens} (shape (B), int64) and returns the sampling
     * probabilities {@code softmax(logits / temperature)} (B, vocab) followed by the new state. State entries have shape (B, nhid): h per layer, then c per layer for
     * the LSTM. All results belong to the manager of {@code tokens}.
     */
    NDList step(NDArray tokens, NDList state, float temperature) {
        int layers = config.nlayers();
        NDArray x = tokens.getNDArrayInternal().embedding(tokens, encoder, SparseFormat.DENSE).singletonOrThrow();
        NDList next = new NDList(state.size());
        NDArray[] cells = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            NDArray h = state.get(l);
            switch (config.type()) {
                case LSTM -> {
                    NDArray c = state.get(layers + l);
                    // PyTorch's gate order: input, forget, cell, output. Array-array ops only: an op with a Java
                    // number first creates a scalar tensor, which costs as much as the op itself at this size.
                    NDList q = linear(NDArrays.concat(new NDList(x, h), 1), weight[l], bias[l]).split(4, 1);
                    NDArray c2 = sigmoid(q.get(1)).mul(c).add(sigmoid(q.get(0)).mul(q.get(2).tanh()));
                    x = sigmoid(q.get(3)).mul(c2.tanh());
                    cells[l] = c2;
                }
                case GRU -> {
                    NDList gi = linear(x, inputWeight[l], inputBias[l]).split(3, 1);
                    NDList gh = linear(h, hiddenWeight[l], hiddenBias[l]).split(3, 1);
                    NDArray r = sigmoid(gi.get(0).addi(gh.get(0)));
                    NDArray z = sigmoid(gi.get(1).addi(gh.get(1)));
                    NDArray n = gi.get(2).addi(r.muli(gh.get(2))).tanh();
                    // h' = (1 - z) * n + z * h = n + z * (h - n)
                    x = n.add(z.muli(h.sub(n)));
                }
                case RNN_TANH -> x = linear(NDArrays.concat(new NDList(x, h), 1), weight[l], bias[l]).tanh();
                case RNN_RELU -> x = linear(NDArrays.concat(new NDList(x, h), 1), weight[l], bias[l]).maximum(0f);
            }
            next.add(x);
        }
        if (config.type() == ModelType.LSTM) {
            for (NDArray c : cells) {
                next.add(c);
            }
        }
        NDArray logits = decode(x);
        if (temperature != 1f) {
            logits = logits.divi(temperature);
        }
        // softmax(logits / T) is generate.py's exp(log_softmax(logits) / T), normalised; exp runs vectorised here.
        NDList out = new NDList(logits.softmax(1));
        out.addAll(next);
        return out;
    }

    /** The decoder's product, its row blocks computed in parallel when there are several parts. */
    private NDArray decode(NDArray x) {
        int parts = decoderWeightParts.length;
        if (parts == 1 || x.getShape().get(0) != 1) {
            return linear(x, decoderWeight, decoderBias);
        }
        List<Future<NDArray>> others = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            int part = k;
            others.add(decoderHelpers.submit(() -> {
                Autograd.record(false); // grad mode is per thread
                return linear(x, decoderWeightParts[part], decoderBiasParts[part]);
            }));
        }
        NDList blocks = new NDList(parts);
        blocks.add(linear(x, decoderWeightParts[0], decoderBiasParts[0]));
        try {
            for (Future<NDArray> f : others) {
                blocks.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding failed: " + e.getCause(), e.getCause());
        }
        return NDArrays.concat(blocks, 1);
    }

    private static NDArray sigmoid(NDArray x) {
        return x.getNDArrayInternal().sigmoid();
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    @Override
    public void close() {
        if (decoderHelpers != null) {
            decoderHelpers.shutdownNow();
        }
        manager.close();
    }
}
