package dev.wordlm.train;

import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.options.Hyperparameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of a training run: the flags of the reference's {@code main.py}. Names, defaults, ranges and help
 * are in {@link TrainOptions}; build one with {@link #builder()}.
 *
 * @param model       recurrent cell (RNN_TANH, RNN_RELU, LSTM, GRU)
 * @param emsize      size of word embeddings
 * @param nhid        number of hidden units per layer
 * @param nlayers     number of layers
 * @param lr          initial learning rate
 * @param clip        gradient clipping: maximum global L2 norm of all gradients
 * @param epochs      upper epoch limit
 * @param batchSize   batch size
 * @param bptt        sequence length of truncated back-propagation through time
 * @param dropout     dropout applied to layers (0 = no dropout)
 * @param decay       learning-rate divisor when validation loss does not improve
 * @param tied        tie the word embedding and softmax weights
 * @param seed        random seed
 * @param cuda        train on a CUDA GPU
 * @param logInterval report interval in batches
 * @param dryRun      one batch of training and of each evaluation, one epoch, nothing saved: checks data and model
 * @param nhead       attention heads per encoder layer of the Transformer (must divide emsize)
 * @param useOptimizer AdamW instead of plain SGD (the reference's {@code --use-optimizer})
 */
public record TrainConfig(
        ModelType model,
        int emsize,
        int nhid,
        int nlayers,
        double lr,
        double clip,
        int epochs,
        int batchSize,
        int bptt,
        double dropout,
        double decay,
        boolean tied,
        long seed,
        boolean cuda,
        int logInterval,
        boolean dryRun,
        int nhead,
        boolean useOptimizer) {

    public static final int EVAL_BATCH_SIZE = 10;

    /** The reference's defaults ({@link TrainOptions}). */
    public static TrainConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults: set what differs, by name. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (Hyperparameter<TrainConfig, Builder, ?> h : TrainOptions.ALL) {
            copy(h, b);
        }
        return b;
    }

    private <T> void copy(Hyperparameter<TrainConfig, Builder, T> h, Builder b) {
        h.set(b, h.get(this));
    }

    /** Problems with these values, by field name; empty when the configuration is usable. */
    public Map<String, String> problems() {
        Map<String, String> p = new LinkedHashMap<>();
        for (Hyperparameter<TrainConfig, Builder, ?> h : TrainOptions.ALL) {
            h.problem(this).ifPresent(message -> p.put(h.name(), message));
        }
        if (model == ModelType.TRANSFORMER) {
            if (nhead > 0 && emsize > 0 && emsize % nhead != 0) {
                p.put("nhead", ModelConfig.nheadProblem(emsize, nhead).substring("nhead: ".length()));
            }
            if (tied) {
                p.put("tied", ModelConfig.TIED_TRANSFORMER);
            }
        } else if (tied && emsize != nhid) {
            p.put("tied", "when using the tied flag, nhid must be equal to emsize (emsize=" + emsize + ", nhid=" + nhid + ")");
        }
        return p;
    }

    /** Throws {@link IllegalArgumentException} naming every bad field. */
    public TrainConfig validated() {
        Map<String, String> p = problems();
        if (!p.isEmpty()) {
            StringBuilder sb = new StringBuilder("invalid training configuration:");
            p.forEach((k, v) -> sb.append(' ').append(k).append(": ").append(v).append(';'));
            throw new IllegalArgumentException(sb.substring(0, sb.length() - 1));
        }
        return this;
    }

    public ModelConfig modelConfig(int vocabSize) {
        return new ModelConfig(model, vocabSize, emsize, nhid, nlayers, (float) dropout, tied, nhead);
    }

    /**
     * Whether a run with these settings can continue as {@code other}: the same model and optimisation; the epoch
     * limit, device and log interval may differ.
     */
    public boolean resumableAs(TrainConfig other) {
        return TrainOptions.ALL.stream().filter(Hyperparameter::sameOnResume)
                .allMatch(h -> Objects.equals(h.get(this), h.get(other)));
    }

    public TrainConfig withEpochs(int newEpochs) {
        return toBuilder().epochs(newEpochs).build();
    }

    /** Named construction of a {@link TrainConfig}; starts from the defaults of {@link TrainOptions}. */
    public static final class Builder {
        private ModelType model;
        private int emsize;
        private int nhid;
        private int nlayers;
        private double lr;
        private double clip;
        private int epochs;
        private int batchSize;
        private int bptt;
        private double dropout;
        private double decay;
        private boolean tied;
        private long seed;
        private boolean cuda;
        private int logInterval;
        private boolean dryRun;
        private int nhead;
        private boolean useOptimizer;

        private Builder() {
            TrainOptions.ALL.forEach(h -> h.setDefault(this));
        }

        public Builder model(ModelType v) {
            model = v;
            return this;
        }

        public Builder emsize(int v) {
            emsize = v;
            return this;
        }

        public Builder nhid(int v) {
            nhid = v;
            return this;
        }

        /** {@code emsize} and {@code nhid} at once, the usual case for a small model. */
        public Builder size(int v) {
            return emsize(v).nhid(v);
        }

        public Builder nlayers(int v) {
            nlayers = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder clip(double v) {
            clip = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder bptt(int v) {
            bptt = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder decay(double v) {
            decay = v;
            return this;
        }

        public Builder tied(boolean v) {
            tied = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder cuda(boolean v) {
            cuda = v;
            return this;
        }

        public Builder logInterval(int v) {
            logInterval = v;
            return this;
        }

        public Builder dryRun(boolean v) {
            dryRun = v;
            return this;
        }

        public Builder nhead(int v) {
            nhead = v;
            return this;
        }

        public Builder useOptimizer(boolean v) {
            useOptimizer = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(model, emsize, nhid, nlayers, lr, clip, epochs, batchSize, bptt, dropout, decay, tied,
                    seed, cuda, logInterval, dryRun, nhead, useOptimizer);
        }
    }
}
