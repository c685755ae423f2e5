package dev.wordlm.generation;

import ai.djl.ndarray.NDArray;
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
 * One time step of the model on the CPU in plain Java arrays: PyTorch's gate order and equations, the same math as
 * the fused op. At batch 1 every product is a matrix-vector product, and there the engine is slow for two reasons
 * measured on this project's CI machine (an AMD EPYC): the BLAS linked into libtorch takes a generic single-threaded
 * path for {@code sgemv} (half the speed of a loop the JIT vectorises), and each of the ~30 small ops of a step costs
 * a native call. Here a step is a few loops over arrays.
 *
 * <p>Products are stored transposed, one array per input element ({@code rows[j][i] = W[i][j]}), so the kernel is
 * {@code y += x[j] * rows[j]}: independent lanes that HotSpot's superword pass turns into vector instructions, which
 * a dot product's reduction is not. With {@code parts > 1} the decoder's outputs are split between threads.
 *
 * <p>The weights are copied onto the heap: about 4 bytes per parameter (plus 4 per embedding entry when tied).
 */
final class HostStepCell implements StepCell {
    /** Below this many outputs per part, handing work to another thread costs more than it saves. */
    private static final int MIN_OUTPUTS_PER_PART = 1024;
    /** Weights per block of a batched product: 256 KB, half of a Zen core's L2 (measured: see the root README). */
    private static final int BLOCK_FLOATS = 65536;
    private static final int MIN_BLOCK = 64;

    private final ModelType type;
    private final int layers;
    private final int nhid;
    private final float[][] embedding;
    /** LSTM and RNN: one product over {@code [x, h]} per layer, biases summed. */
    private final Product[] layer;
    /** GRU: the input and hidden products apart, because the reset gate multiplies only the hidden candidate. */
    private final Product[] inputProduct;
    private final Product[] hiddenProduct;
    private final Product decoder;
    private final int parts;
    private final ExecutorService helpers;

    /** @param parts threads that share the decoder's product (1 = the calling thread alone) */
    HostStepCell(RnnLanguageModel model, int parts) {
        ModelConfig config = model.config();
        if (!config.type().isRecurrent()) {
            throw new IllegalArgumentException("HostStepCell steps recurrent models; a Transformer uses a ContextStepCell");
        }
        this.type = config.type();
        this.layers = config.nlayers();
        this.nhid = config.nhid();
        Map<String, NDArray> p = model.namedParameters();
        this.embedding = rowsOf(p.get(RnnLanguageModel.ENCODER_WEIGHT));
        this.decoder = new Product(transpose(p.get(RnnLanguageModel.DECODER_WEIGHT)),
                p.get(RnnLanguageModel.DECODER_BIAS).toFloatArray());
        this.layer = new Product[layers];
        this.inputProduct = new Product[layers];
        this.hiddenProduct = new Product[layers];
        for (int l = 0; l < layers; l++) {
            float[][] wih = transpose(p.get("rnn.weight_ih_l" + l));
            float[][] whh = transpose(p.get("rnn.weight_hh_l" + l));
            float[] bih = p.get("rnn.bias_ih_l" + l).toFloatArray();
            float[] bhh = p.get("rnn.bias_hh_l" + l).toFloatArray();
            if (type == ModelType.GRU) {
                inputProduct[l] = new Product(wih, bih);
                hiddenProduct[l] = new Product(whh, bhh);
            } else {
                float[][] rows = new float[wih.length + whh.length][];
                System.arraycopy(wih, 0, rows, 0, wih.length);
                System.arraycopy(whh, 0, rows, wih.length, whh.length);
                float[] bias = new float[bih.length];
                for (int i = 0; i < bias.length; i++) {
                    bias[i] = bih[i] + bhh[i];
                }
                layer[l] = new Product(rows, bias);
            }
        }
        int vocab = config.vocabSize();
        this.parts = Math.max(1, Math.min(Math.min(parts, 8), vocab / MIN_OUTPUTS_PER_PART));
        this.helpers = this.parts == 1 ? null : Executors.newFixedThreadPool(this.parts - 1, r -> {
            Thread t = new Thread(r, "host-step-part");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Stream open(float[][] initialState) {
        int entries = type == ModelType.LSTM ? 2 * layers : layers;
        if (initialState.length != entries) {
            throw new IllegalArgumentException("state: expected " + entries + " arrays, got " + initialState.length);
        }
        float[][] state = new float[entries][];
        for (int k = 0; k < entries; k++) {
            if (initialState[k].length != nhid) {
                throw new IllegalArgumentException("state[" + k + "]: expected " + nhid + " values, got "
                        + initialState[k].length);
            }
            state[k] = initialState[k].clone();
        }
        return new HostStream(state);
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }

    /** {@code y = b + W x} with {@code W} stored as {@code rows[j] = W[:, j]}. */
    private record Product(float[][] rows, float[] bias) {
        int outputs() {
            return bias.length;
        }

        /** Outputs {@code from} (inclusive) to {@code to} (exclusive) of {@code b + W [x, h]} into {@code y}. */
        void apply(float[] x, float[] h, float[] y, int from, int to) {
            System.arraycopy(bias, from, y, from, to - from);
            accumulate(rows, 0, x, y, from, to);
            if (h != null) {
                accumulate(rows, x.length, h, y, from, to);
            }
        }

        /**
         * {@link #apply} for {@code count} streams, in blocks of outputs whose weights fit in a core's cache: each block
         * is loaded once for all the streams.
         */
        void applyBatch(float[][] x, float[][] h, float[][] y, int count, int from, int to) {
            if (count == 1) {
                apply(x[0], h == null ? null : h[0], y[0], from, to);
                return;
            }
            int block = Math.max(MIN_BLOCK, BLOCK_FLOATS / rows.length) & ~15;
            for (int start = from; start < to; start += block) {
                int end = Math.min(to, start + block);
                for (int b = 0; b < count; b++) {
                    apply(x[b], h == null ? null : h[b], y[b], start, end);
                }
            }
        }

        /** {@code y[from:to] += sum_j v[j] * rows[first + j][from:to]}, four inputs per pass over {@code y}. */
        private static void accumulate(float[][] rows, int first, float[] v, float[] y, int from, int to) {
            int n = v.length;
            int j = 0;
            for (; j + 3 < n; j += 4) {
                float a0 = v[j];
                float a1 = v[j + 1];
                float a2 = v[j + 2];
                float a3 = v[j + 3];
                float[] r0 = rows[first + j];
                float[] r1 = rows[first + j + 1];
                float[] r2 = rows[first + j + 2];
                float[] r3 = rows[first + j + 3];
                for (int i = from; i < to; i++) {
                    y[i] += a0 * r0[i] + a1 * r1[i] + a2 * r2[i] + a3 * r3[i];
                }
            }
            for (; j < n; j++) {
                float a = v[j];
                float[] r = rows[first + j];
                for (int i = from; i < to; i++) {
                    y[i] += a * r[i];
                }
            }
        }
    }

    /**
     * One step for every stream at once. Each product runs over blocks of outputs small enough to stay in cache, and
     * within a block stream after stream, so a block of weights is read from memory once per step rather than once
     * per stream. Every output is summed in the same order as at batch 1, so a stream's words do not depend on what
     * else is in the batch: the results are the single-stream results, bit for bit.
     */
    @Override
    public float[][] next(Stream[] batch, int[] tokens, float[] temperatures, int count) {
        HostStream[] s = new HostStream[count];
        float[][] x = new float[count][];
        float[][] h = new float[count][];
        float[][] g = new float[count][];
        float[][] hg = type == ModelType.GRU ? new float[count][] : null;
        for (int b = 0; b < count; b++) {
            if (!(batch[b] instanceof HostStream stream) || stream.cell() != this) {
                throw new IllegalArgumentException("stream " + b + " was not opened by this cell");
            }
            s[b] = stream;
            x[b] = embedding[tokens[b]];
            g[b] = stream.gates;
            if (hg != null) {
                hg[b] = stream.hiddenGates;
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int b = 0; b < count; b++) {
                h[b] = s[b].state[l];
            }
            switch (type) {
                case LSTM -> layer[l].applyBatch(x, h, g, count, 0, 4 * nhid);
                case GRU -> {
                    inputProduct[l].applyBatch(x, null, g, count, 0, 3 * nhid);
                    hiddenProduct[l].applyBatch(h, null, hg, count, 0, 3 * nhid);
                }
                case RNN_TANH, RNN_RELU -> layer[l].applyBatch(x, h, g, count, 0, nhid);
            }
            for (int b = 0; b < count; b++) {
                s[b].activate(l);
                x[b] = h[b];
            }
        }
        decode(s, x, temperatures, count);
        float[][] weights = new float[count][];
        for (int b = 0; b < count; b++) {
            weights[b] = s[b].weights;
        }
        return weights;
    }

    /**
     * {@code weights = exp((logits - max) / T)} for each stream, the decoder's outputs split in blocks over the
     * threads. Each block is shifted by its own maximum; blocks below the overall maximum are rescaled afterwards.
     */
    private void decode(HostStream[] s, float[][] h, float[] temperatures, int count) {
        int vocab = decoder.outputs();
        double[] inverse = new double[count];
        for (int b = 0; b < count; b++) {
            inverse[b] = 1.0 / temperatures[b];
        }
        if (parts == 1) {
            decodeBlock(s, h, inverse, count, 0, 0, vocab);
            return;
        }
        List<Future<?>> others = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            int part = k;
            int from = vocab * k / parts;
            int to = vocab * (k + 1) / parts;
            others.add(helpers.submit(() -> decodeBlock(s, h, inverse, count, part, from, to)));
        }
        decodeBlock(s, h, inverse, count, 0, 0, vocab / parts);
        try {
            for (Future<?> other : others) {
                other.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a generation step", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a generation step failed: " + e.getCause(), e.getCause());
        }
        for (int b = 0; b < count; b++) {
            float[] blockMax = s[b].blockMax;
            float[] weights = s[b].weights;
            float max = Float.NEGATIVE_INFINITY;
            for (float m : blockMax) {
                max = Math.max(max, m);
            }
            for (int k = 0; k < parts; k++) {
                if (blockMax[k] < max) {
                    float scale = (float) Math.exp((blockMax[k] - max) * inverse[b]);
                    for (int i = vocab * k / parts, to = vocab * (k + 1) / parts; i < to; i++) {
                        weights[i] *= scale;
                    }
                }
            }
        }
    }

    /** Logits of one block for each stream, then their {@code exp((logit - blockMax) / T)}; records blockMax. */
    private void decodeBlock(HostStream[] s, float[][] h, double[] inverse, int count, int part, int from, int to) {
        float[][] y = new float[count][];
        for (int b = 0; b < count; b++) {
            y[b] = s[b].weights;
        }
        decoder.applyBatch(h, null, y, count, from, to);
        for (int b = 0; b < count; b++) {
            float[] weights = y[b];
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                max = Math.max(max, weights[i]);
            }
            double t = inverse[b];
            for (int i = from; i < to; i++) {
                weights[i] = (float) Math.exp((weights[i] - max) * t);
            }
            s[b].blockMax[part] = max;
        }
    }

    private final class HostStream implements Stream {
        /** h per layer, then c per layer (LSTM). */
        private final float[][] state;
        private final float[] gates;
        private final float[] hiddenGates;
        private final float[] weights;
        private final float[] blockMax = new float[parts];

        HostStream(float[][] state) {
            this.state = state;
            this.gates = new float[type.gates() * nhid];
            this.hiddenGates = type == ModelType.GRU ? new float[3 * nhid] : null;
            this.weights = new float[decoder.outputs()];
        }

        HostStepCell cell() {
            return HostStepCell.this;
        }

        @Override
        public float[] next(int token, float temperature) {
            // Through the batched path, so a stream gives the same numbers alone as in any batch.
            return HostStepCell.this.next(new Stream[] {this}, new int[] {token}, new float[] {temperature}, 1)[0];
        }

        /** Layer {@code l}'s nonlinearity on the gates its product left in {@code gates} (and {@code hiddenGates}). */
        void activate(int l) {
            float[] h = state[l];
            switch (type) {
                case LSTM -> lstm(h, state[layers + l]);
                case GRU -> gru(h);
                case RNN_TANH -> {
                    for (int k = 0; k < nhid; k++) {
                        h[k] = tanh(gates[k]);
                    }
                }
                case RNN_RELU -> {
                    for (int k = 0; k < nhid; k++) {
                        h[k] = Math.max(gates[k], 0f);
                    }
                }
            }
        }

        /** PyTorch's LSTM: gates in the order input, forget, cell, output. Updates {@code h} and {@code c}. */
        private void lstm(float[] h, float[] c) {
            for (int k = 0; k < nhid; k++) {
                float in = sigmoid(gates[k]);
                float forget = sigmoid(gates[nhid + k]);
                float cell = tanh(gates[2 * nhid + k]);
                float out = sigmoid(gates[3 * nhid + k]);
                float c2 = forget * c[k] + in * cell;
                c[k] = c2;
                h[k] = out * tanh(c2);
            }
        }

        /** PyTorch's GRU: gates reset, update, new; {@code h' = n + z * (h - n)}. Updates {@code h}. */
        private void gru(float[] h) {
            for (int k = 0; k < nhid; k++) {
                float r = sigmoid(gates[k] + hiddenGates[k]);
                float z = sigmoid(gates[nhid + k] + hiddenGates[nhid + k]);
                float n = tanh(gates[2 * nhid + k] + r * hiddenGates[2 * nhid + k]);
                h[k] = n + z * (h[k] - n);
            }
        }

        @Override
        public void close() {
            // Heap state only: nothing native to free.
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** {@code tanh} through {@code exp}, which HotSpot compiles to an intrinsic ({@code Math.tanh} is a native call). */
    private static float tanh(float x) {
        return (float) (1.0 - 2.0 / (1.0 + Math.exp(2.0 * x)));
    }

    /** A (rows, cols) matrix as one array per row. */
    private static float[][] rowsOf(NDArray matrix) {
        int rows = (int) matrix.getShape().get(0);
        int cols = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    /** A (rows, cols) matrix as one array per column: {@code out[j][i] = matrix[i][j]}. */
    private static float[][] transpose(NDArray matrix) {
        int rows = (int) matrix.getShape().get(0);
        int cols = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[cols][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j][i] = flat[i * cols + j];
            }
        }
        return out;
    }
}
