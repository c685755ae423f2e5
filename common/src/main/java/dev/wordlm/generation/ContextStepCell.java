package dev.wordlm.generation;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.engine.Autograd;
import dev.wordlm.model.RnnLanguageModel;

/**
 * The step of a model without a recurrent state (the Transformer): each stream keeps its last {@code window} tokens,
 * and each step reads that context anew, under the causal mask, and samples from the last position's logits. There is
 * no key/value cache: a step costs one forward pass over at most {@code window} tokens. The window is the training
 * run's {@code bptt}, the longest context the model has seen in training, so a generation never asks the model to
 * extrapolate its positional encoding beyond what it learned.
 *
 * <p>Streams are stepped one by one (the interface's default batch), so a seeded request gives the same words whatever
 * it shares a batch with, bit for bit.
 */
final class ContextStepCell implements StepCell {
    private final RnnLanguageModel model;
    private final NDManager manager;
    private final int window;

    /** @param window the most tokens a step reads (at least 1) */
    ContextStepCell(RnnLanguageModel model, int window) {
        if (model.config().type().isRecurrent()) {
            throw new IllegalArgumentException("ContextStepCell is for models without recurrent state, not "
                    + model.config().type());
        }
        if (window < 1) {
            throw new IllegalArgumentException("window: must be at least 1, got " + window);
        }
        this.model = model;
        this.window = window;
        this.manager = model.manager().newSubManager();
    }

    int window() {
        return window;
    }

    /** This cell's streams have no recurrent state to start from: use {@link #open(long[])}. */
    @Override
    public Stream open(float[][] initialState) {
        throw new UnsupportedOperationException("a Transformer stream starts from its context words, not a state");
    }

    /** A stream whose context starts with {@code context} (the prompt's words before the first input; may be empty). */
    Stream open(long[] context) {
        return new ContextStream(context);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** The last {@code window} tokens of one stream, in order, in a ring. */
    private final class ContextStream implements Stream {
        private final long[] ring = new long[window];
        private long seen;
        private float[] weights;

        ContextStream(long[] context) {
            for (long id : context) {
                push(id);
            }
        }

        private void push(long id) {
            ring[(int) (seen % window)] = id;
            seen++;
        }

        @Override
        public float[] next(int token, float temperature) {
            push(token);
            int length = (int) Math.min(seen, window);
            long[] ids = new long[length];
            for (int i = 0; i < length; i++) {
                ids[i] = ring[(int) ((seen - length + i) % window)];
            }
            Autograd.record(false);
            float[] logits;
            try (NDManager step = manager.newSubManager()) {
                logits = model.lastLogits(step.create(ids, new Shape(length, 1))).toFloatArray();
            }
            if (weights == null) {
                weights = new float[logits.length];
            }
            // softmax(logits / temperature) up to its normaliser, which the sampler does not need
            float max = Float.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            for (int i = 0; i < logits.length; i++) {
                weights[i] = (float) Math.exp((logits[i] - max) / temperature);
            }
            return weights;
        }

        @Override
        public void close() {
            // nothing native is held between steps
        }
    }
}
