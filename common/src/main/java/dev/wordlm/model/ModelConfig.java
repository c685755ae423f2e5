package dev.wordlm.model;

/**
 * The architecture of an {@link RnnLanguageModel}: everything needed to rebuild it before loading weights.
 *
 * @param type      recurrent cell
 * @param vocabSize number of tokens (rows of the embedding, columns of the decoder)
 * @param emsize    size of word embeddings
 * @param nhid      hidden units per layer
 * @param nlayers   number of recurrent layers
 * @param dropout   dropout on the embedding, between layers and on the output (0 = none)
 * @param tied      the decoder weight is the embedding weight (needs {@code emsize == nhid})
 */
public record ModelConfig(ModelType type, int vocabSize, int emsize, int nhid, int nlayers, float dropout, boolean tied) {

    public ModelConfig {
        if (type == null) {
            throw new IllegalArgumentException("model: a model type is required (" + ModelType.names() + ")");
        }
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize: must be at least 2, got " + vocabSize);
        }
        if (emsize < 1) {
            throw new IllegalArgumentException("emsize: must be at least 1, got " + emsize);
        }
        if (nhid < 1) {
            throw new IllegalArgumentException("nhid: must be at least 1, got " + nhid);
        }
        if (nlayers < 1) {
            throw new IllegalArgumentException("nlayers: must be at least 1, got " + nlayers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout: must be in [0, 1), got " + dropout);
        }
        if (tied && emsize != nhid) {
            throw new IllegalArgumentException(
                    "tied: when using the tied flag, nhid must be equal to emsize (emsize=" + emsize + ", nhid=" + nhid + ")");
        }
    }

    /** Number of trainable scalars, counting a tied weight once. */
    public long parameterCount() {
        long perLayerIn = (long) type.gates() * nhid;
        long rnn = 0;
        for (int layer = 0; layer < nlayers; layer++) {
            int in = layer == 0 ? emsize : nhid;
            rnn += perLayerIn * in + perLayerIn * nhid + 2 * perLayerIn;
        }
        long embedding = (long) vocabSize * emsize;
        long decoder = (tied ? 0 : (long) vocabSize * nhid) + vocabSize;
        return embedding + rnn + decoder;
    }
}
