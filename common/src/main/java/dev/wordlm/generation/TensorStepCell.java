package dev.wordlm.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.wordlm.engine.Autograd;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.util.Map;

/**
 * One time step of the model as engine ops on the model's device (the GPU path; on the CPU, {@link HostStepCell} is
 * faster), computed with plain matrix products from the model's weights. For generation (one word at a time) this
 * beats the fused recurrent op, whose per-call set-up dominates at sequence length 1 (about 0.45 ms per layer on
 * CPU). Same math as the fused op: PyTorch's gate order and equations.
 *
 * <p>Weights are rearranged once: input and hidden weights side by side ({@code [W_ih | W_hh]}) with the two
 * biases summed, so a layer is one {@code linear} over {@code [x, h]}.
 */
final class TensorStepCell implements StepCell {
    private final ModelConfig config;
    private final NDManager manager;
    private final NDArray encoder;
    private final NDArray decoderWeight;
    private final NDArray decoderBias;
    /** LSTM and RNN: {@code [W_ih | W_hh]} and {@code b_ih + b_hh} per layer. */
    private final NDArray[] layerWeight;
    private final NDArray[] layerBias;
    private final NDArray[] inputWeight;
    private final NDArray[] hiddenWeight;
    private final NDArray[] inputBias;
    private final NDArray[] hiddenBias;

    TensorStepCell(RnnLanguageModel model) {
        this.config = model.config();
        if (!config.type().isRecurrent()) {
            throw new IllegalArgumentException("TensorStepCell steps recurrent models; a Transformer uses a ContextStepCell");
        }
        this.manager = model.manager().newSubManager();
        Map<String, NDArray> p = model.namedParameters();
        encoder = p.get(RnnLanguageModel.ENCODER_WEIGHT);
        decoderWeight = p.get(RnnLanguageModel.DECODER_WEIGHT);
        decoderBias = p.get(RnnLanguageModel.DECODER_BIAS);
        int layers = config.nlayers();
        layerWeight = new NDArray[layers];
        layerBias = new NDArray[layers];
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
            layerWeight[l] = w;
            layerBias[l] = b;
        }
    }

    @Override
    public Stream open(float[][] initialState) {
        return new TensorStream(initialState);
    }

    /**
     * One step for all the streams on the device: their states stacked into (B, nhid) arrays, one product per layer
     * and one (B, nhid) x (nhid, vocab) product for the decoder, then each stream's rows handed back to it.
     */
    @Override
    public float[][] next(Stream[] streams, int[] tokens, float[] temperatures, int count) {
        TensorStream[] s = new TensorStream[count];
        for (int b = 0; b < count; b++) {
            if (!(streams[b] instanceof TensorStream stream) || stream.cell() != this) {
                throw new IllegalArgumentException("stream " + b + " was not opened by this cell");
            }
            s[b] = stream;
        }
        if (count == 1) {
            return new float[][] {s[0].next(tokens[0], temperatures[0])};
        }
        Autograd.record(false);
        try (NDManager step = manager.newSubManager()) {
            NDList state = new NDList();
            for (int k = 0; k < s[0].state.size(); k++) {
                NDList rows = new NDList(count);
                for (TensorStream stream : s) {
                    rows.add(stream.state.get(k));
                }
                state.add(NDArrays.concat(rows, 0));
            }
            long[] ids = new long[count];
            for (int b = 0; b < count; b++) {
                ids[b] = tokens[b];
            }
            NDArray t = step.create(temperatures.clone(), new Shape(count, 1));
            NDList out = step(step.create(ids), state, t);
            float[] flat = out.head().toFloatArray();
            int vocab = config.vocabSize();
            float[][] weights = new float[count][vocab];
            for (int b = 0; b < count; b++) {
                System.arraycopy(flat, b * vocab, weights[b], 0, vocab);
                NDList next = new NDList(out.size() - 1);
                for (int k = 1; k < out.size(); k++) {
                    next.add(out.get(k).get(b).expandDims(0));
                }
                s[b].advanceTo(next);
            }
            return weights;
        }
    }

    /** One stream's state on the device, (1, nhid) per entry, replaced by each step. */
    private final class TensorStream implements Stream {
        private final NDManager streamManager = manager.newSubManager();
        private NDManager carry = streamManager.newSubManager();
        private NDList state;

        TensorStream(float[][] initialState) {
            state = new NDList(initialState.length);
            for (float[] entry : initialState) {
                state.add(carry.create(entry, new Shape(1, entry.length)));
            }
        }

        TensorStepCell cell() {
            return TensorStepCell.this;
        }

        @Override
        public float[] next(int token, float temperature) {
            Autograd.record(false);
            try (NDManager step = streamManager.newSubManager()) {
                NDList out = step(step.create(new long[] {token}), state, temperature);
                float[] probabilities = out.head().toFloatArray();
                advanceTo(out.subNDList(1));
                return probabilities;
            }
        }

        /** Keeps {@code next} (from any manager) as the state and frees the previous one. */
        void advanceTo(NDList next) {
            NDManager nextCarry = streamManager.newSubManager();
            next.attach(nextCarry);
            state = next;
            carry.close();
            carry = nextCarry;
        }

        @Override
        public void close() {
            streamManager.close();
        }
    }

    /**
     * Advances the state by one token for each row of {@code tokens} (shape (B), int64) and returns the sampling
     * probabilities {@code softmax(logits / temperature)} (B, vocab) followed by the new state. State entries have
     * shape (B, nhid): h per layer, then c per layer for the LSTM. All results belong to the manager of {@code tokens}.
     */
    NDList step(NDArray tokens, NDList state, float temperature) {
        return step(tokens, state, temperature == 1f ? null : tokens.getManager().create(temperature));
    }

    /** {@link #step(NDArray, NDList, float)} with a temperature per row: {@code temperatures} (B, 1), or null for 1. */
    private NDList step(NDArray tokens, NDList state, NDArray temperatures) {
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
                    NDList q = linear(NDArrays.concat(new NDList(x, h), 1), layerWeight[l], layerBias[l]).split(4, 1);
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
                case RNN_TANH -> x = linear(NDArrays.concat(new NDList(x, h), 1), layerWeight[l], layerBias[l]).tanh();
                case RNN_RELU -> x = linear(NDArrays.concat(new NDList(x, h), 1), layerWeight[l], layerBias[l]).maximum(0f);
            }
            next.add(x);
        }
        if (config.type() == ModelType.LSTM) {
            for (NDArray c : cells) {
                next.add(c);
            }
        }
        NDArray logits = linear(x, decoderWeight, decoderBias);
        if (temperatures != null) {
            logits = logits.divi(temperatures);
        }
        // softmax(logits / T) is generate.py's exp(log_softmax(logits) / T), normalised; exp runs vectorised here.
        NDList out = new NDList(logits.softmax(1));
        out.addAll(next);
        return out;
    }

    private static NDArray sigmoid(NDArray x) {
        return x.getNDArrayInternal().sigmoid();
    }

    private static NDArray linear(NDArray x, NDArray w, NDArray b) {
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }

    @Override
    public void close() {
        manager.close();
    }
}
