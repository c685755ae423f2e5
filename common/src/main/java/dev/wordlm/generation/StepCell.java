package dev.wordlm.generation;

/**
 * One time step of a loaded model at batch 1: what generation runs once per word. Two implementations with the same
 * math as the fused recurrent op: {@link HostStepCell} on the CPU (plain Java arrays) and {@link TensorStepCell} on a
 * GPU (engine ops on the device).
 */
interface StepCell extends AutoCloseable {

    /**
     * Starts a stream from a recurrent state given as host arrays: {@code h} per layer, then {@code c} per layer for
     * the LSTM, each {@code nhid} long. The arrays are copied.
     */
    Stream open(float[][] initialState);

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
