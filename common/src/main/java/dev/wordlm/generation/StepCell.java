package dev.wordlm.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.SparseFormat;
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
 *
 * <p>At batch 1 every product is a matrix-vector product that reads its whole matrix per word, and the BLAS inside
 * libtorch runs it on one core whatever PyTorch's thread setting. With {@code parts > 1} the rows of the decoder and
 * of the layers' products are split between Java threads.
 */
final class StepCell implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray encoder;
    private final SplitLinear decoder;
    private final SplitLinear[] layer;
    private final NDArray[] inputWeight;
    private final NDArray[] hiddenWeight;
    private final NDArray[] inputBias;
    private final NDArray[] hiddenBias;
    private final ExecutorService helpers;

    StepCell(RnnLanguageModel model) {
        this(model, 1);
    }

    /** @param parts threads that share each product at batch 1 (1 = the calling thread alone) */
    StepCell(RnnLanguageModel model, int parts) {
        this.config = model.config();
        this.manager = model.manager().newSubManager();
        int n = Math.max(1, Math.min(parts, 8));
        helpers = n == 1 ? null : Executors.newFixedThreadPool(n - 1, r -> {
            Thread t = new Thread(r, "step-cell-part");
            t.setDaemon(true);
            return t;
        });
        Map<String, NDArray> p = model.namedParameters();
        encoder = p.get(RnnLanguageModel.ENCODER_WEIGHT);
        decoder = new SplitLinear(p.get(RnnLanguageModel.DECODER_WEIGHT), p.get(RnnLanguageModel.DECODER_BIAS), n);
        int layers = config.nlayers();
        layer = new SplitLinear[layers];
        inputWeight = new NDArray[layers];
        hiddenWeight = new NDArray[layers];
        inputBias = new NDArray[layers];
        hiddenBias = new NDArray[layers];
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
            layer[l] = new SplitLinear(w, b, n);
        }
    }

    /**
     * Advances the state by one token for each row of {@code tokens} (shape (B), int64) and returns the sampling
     * probabilities {@code softmax(logits / temperature)} (B, vocab) followed by the new state. State entries have
     * shape (B, nhid): h per layer, then c per layer for the LSTM. All results belong to the manager of {@code tokens}.
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
                    NDList q = layer[l].apply(NDArrays.concat(new NDList(x, h), 1)).split(4, 1);
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
                case RNN_TANH -> x = layer[l].apply(NDArrays.concat(new NDList(x, h), 1)).tanh();
                case RNN_RELU -> x = layer[l].apply(NDArrays.concat(new NDList(x, h), 1)).maximum(0f);
            }
            next.add(x);
        }
        if (config.type() == ModelType.LSTM) {
            for (NDArray c : cells) {
                next.add(c);
            }
        }
        NDArray logits = decoder.apply(x);
        if (temperature != 1f) {
            logits = logits.divi(temperature);
        }
        // softmax(logits / T) is generate.py's exp(log_softmax(logits) / T), normalised; exp runs vectorised here.
        NDList out = new NDList(logits.softmax(1));
        out.addAll(next);
        return out;
    }

    /** {@code x W^T + b}, its output columns computed in row blocks of {@code W} on several threads at batch 1. */
    private final class SplitLinear {
        private final NDArray weight;
        private final NDArray bias;
        private final NDArray[] weightParts;
        private final NDArray[] biasParts;

        SplitLinear(NDArray weight, NDArray bias, int parts) {
            this.weight = weight;
            this.bias = bias;
            long rows = weight.getShape().get(0);
            int n = (int) Math.min(parts, Math.max(1, rows / 64)); // small products are not worth a hand-off
            weightParts = new NDArray[n];
            biasParts = new NDArray[n];
            for (int k = 0; k < n; k++) {
                NDIndex block = new NDIndex("{}:{}", rows * k / n, rows * (k + 1) / n);
                weightParts[k] = n == 1 ? weight : weight.get(block);
                biasParts[k] = n == 1 ? bias : bias.get(block);
                if (n > 1) {
                    weightParts[k].attach(manager);
                    biasParts[k].attach(manager);
                }
            }
        }

        NDArray apply(NDArray x) {
            int n = weightParts.length;
            if (n == 1 || x.getShape().get(0) != 1) {
                return linear(x, weight, bias);
            }
            List<Future<NDArray>> others = new ArrayList<>(n - 1);
            for (int k = 1; k < n; k++) {
                int part = k;
                others.add(helpers.submit(() -> {
                    Autograd.record(false); // grad mode is per thread
                    return linear(x, weightParts[part], biasParts[part]);
                }));
            }
            NDList blocks = new NDList(n);
            blocks.add(linear(x, weightParts[0], biasParts[0]));
            try {
                for (Future<NDArray> f : others) {
                    blocks.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during a generation step", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a generation step failed: " + e.getCause(), e.getCause());
            }
            return NDArrays.concat(blocks, 1);
        }
    }

    private static NDArray sigmoid(NDArray x) {
        return x.getNDArrayInternal().sigmoid();
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
        manager.close();
    }
}
