package dev.wordlm.generation;

/**
 * One time step of a loaded model: what generation runs once per word, for one stream or for a batch of streams at
 * once. Two implementations with the same math as the fused recurrent op: {@link HostStepCell} on the CPU (plain Java
 * arrays) and {@link TensorStepCell} on a GPU (engine ops on the device). Another model type plugs in by keeping its
 * per-stream state behind {@link Stream}; the default batch steps the streams one by one.
 */
interface StepCell extends AutoCloseable {

    /**
     * Starts a stream from a recurrent state given as host arrays: {@code h} per layer, then {@code c} per layer for
     * the LSTM, each {@code nhid} long. The arrays are copied.
     */
    Stream open(float[][] initialState);

    /**
     * Advances {@code streams[0..count)}, all opened by this cell, by one token each ({@code tokens[b]}, at
     * {@code temperatures[b]}) in one batched step, and returns each stream's weights as {@link Stream#next} would:
     * the same values within rounding (on the CPU, bit for bit). Arrays may be reused by the streams' next calls.
     */
    default float[][] next(Stream[] streams, int[] tokens, float[] temperatures, int count) {
        float[][] weights = new float[count][];
        for (int b = 0; b < count; b++) {
            weights[b] = streams[b].next(tokens[b], temperatures[b]);
        }
        return weights;
    }

    /** Frees the cell's copy of the weights; streams opened from it must be closed first. */
    @Override
    void close();

    /** One stream's recurrent state, advanced one token at a time. Used by one thread at a time. */
    interface Stream extends AutoCloseable {
        /**
         * Feeds one token and returns weights proportional to {@code softmax(logits / temperature)} over the
         * vocabulary, for {@link Sampler#sample}. The array may be reused by the next call.
         */
        float[] next(int token, float temperature);

        @Override
        void close();
    }
}
