package dev.wordlm.model;

/**
 * The architecture of an {@link RnnLanguageModel}: everything needed to rebuild it before loading weights.
 *
 * @param type      recurrent cell, or the Transformer
 * @param vocabSize number of tokens (rows of the embedding, columns of the decoder)
 * @param emsize    size of word embeddings
 * @param nhid      hidden units per layer (the Transformer: feed-forward units per encoder layer)
 * @param nlayers   number of recurrent (or encoder) layers
 * @param dropout   dropout on the embedding, between layers and on the output (0 = none)
 * @param tied      the decoder weight is the embedding weight (needs {@code emsize == nhid}; not for the Transformer)
 * @param nhead     attention heads of each Transformer encoder layer ({@code emsize % nhead == 0}); kept but unused for
 *                  the recurrent types
 */
public record ModelConfig(ModelType type, int vocabSize, int emsize, int nhid, int nlayers, float dropout, boolean tied,
                          int nhead) {
    /** The reference's {@code --nhead} default. */
    public static final int DEFAULT_NHEAD = 2;

    /** A recurrent model's configuration (the head count keeps its default, which only the Transformer reads). */
    public ModelConfig(ModelType type, int vocabSize, int emsize, int nhid, int nlayers, float dropout, boolean tied) {
        this(type, vocabSize, emsize, nhid, nlayers, dropout, tied, DEFAULT_NHEAD);
    }

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
        if (tied && type != ModelType.TRANSFORMER && emsize != nhid) {
            throw new IllegalArgumentException(
                    "tied: when using the tied flag, nhid must be equal to emsize (emsize=" + emsize + ", nhid=" + nhid + ")");
        }
        if (nhead < 1) {
            throw new IllegalArgumentException("nhead: must be at least 1, got " + nhead);
        }
        if (type == ModelType.TRANSFORMER) {
            if (emsize % nhead != 0) {
                throw new IllegalArgumentException(nheadProblem(emsize, nhead));
            }
            if (tied) {
                throw new IllegalArgumentException("tied: " + TIED_TRANSFORMER);
            }
        }
    }

    /** Why a Transformer cannot tie its weights here. */
    public static final String TIED_TRANSFORMER = "the Transformer does not tie its weights (the reference's "
            + "TransformerModel has no tied option)";

    /** The message for a head count that does not divide the embedding, named by its field. */
    public static String nheadProblem(int emsize, int nhead) {
        return "nhead: emsize must be divisible by nhead: each of the nhead attention heads gets emsize / nhead "
                + "dimensions (emsize=" + emsize + ", nhead=" + nhead + ")";
    }

    /** Number of trainable scalars, counting a tied weight once. */
    public long parameterCount() {
        if (type == ModelType.TRANSFORMER) {
            return TransformerLayers.shapes(this).values().stream().mapToLong(s -> s.size()).sum();
        }
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
