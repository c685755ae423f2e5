package dev.wordlm.train;

import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of a training run: the flags of the reference's {@code main.py}, with its defaults.
 * The CLI's {@code train} flags and the trainer service's JSON body both map onto this record.
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
        int logInterval) {

    public static final int EVAL_BATCH_SIZE = 10;

    public static TrainConfig defaults() {
        return new TrainConfig(ModelType.LSTM, 200, 200, 2, 20.0, 0.25, 40, 20, 35, 0.2, 4.0, false, 1111L, false, 200);
    }

    /** Problems with these values, by field name; empty when the configuration is usable. */
    public Map<String, String> problems() {
        Map<String, String> p = new LinkedHashMap<>();
        if (model == null) {
            p.put("model", "must be one of " + ModelType.names());
        }
        if (emsize < 1 || emsize > 8192) {
            p.put("emsize", "must be between 1 and 8192, got " + emsize);
        }
        if (nhid < 1 || nhid > 8192) {
            p.put("nhid", "must be between 1 and 8192, got " + nhid);
        }
        if (nlayers < 1 || nlayers > 16) {
            p.put("nlayers", "must be between 1 and 16, got " + nlayers);
        }
        if (!(lr > 0 && Double.isFinite(lr))) {
            p.put("lr", "must be a positive number, got " + lr);
        }
        if (!(clip > 0 && Double.isFinite(clip))) {
            p.put("clip", "must be a positive number, got " + clip);
        }
        if (epochs < 1 || epochs > 10_000) {
            p.put("epochs", "must be between 1 and 10000, got " + epochs);
        }
        if (batchSize < 1 || batchSize > 4096) {
            p.put("batchSize", "must be between 1 and 4096, got " + batchSize);
        }
        if (bptt < 1 || bptt > 4096) {
            p.put("bptt", "must be between 1 and 4096, got " + bptt);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            p.put("dropout", "must be in [0, 1), got " + dropout);
        }
        if (!(decay >= 1 && Double.isFinite(decay))) {
            p.put("decay", "must be a number >= 1 (1 = never anneal), got " + decay);
        }
        if (tied && emsize != nhid) {
            p.put("tied", "when using the tied flag, nhid must be equal to emsize (emsize=" + emsize + ", nhid=" + nhid + ")");
        }
        if (logInterval < 1) {
            p.put("logInterval", "must be at least 1, got " + logInterval);
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
        return new ModelConfig(model, vocabSize, emsize, nhid, nlayers, (float) dropout, tied);
    }

    /**
     * Whether a run with these settings can continue as {@code other}: the same model and optimisation; the epoch
     * limit, device and log interval may differ.
     */
    public boolean resumableAs(TrainConfig other) {
        return new TrainConfig(model, emsize, nhid, nlayers, lr, clip, other.epochs, batchSize, bptt, dropout, decay, tied,
                seed, other.cuda, other.logInterval).equals(other);
    }

    public TrainConfig withEpochs(int newEpochs) {
        return new TrainConfig(model, emsize, nhid, nlayers, lr, clip, newEpochs, batchSize, bptt, dropout, decay, tied, seed,
                cuda, logInterval);
    }
}
