package dev.wordlm.train;

import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.options.Bounds;
import dev.wordlm.options.Hyperparameter;
import dev.wordlm.options.OptionValues;
import dev.wordlm.options.ValueKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every hyperparameter of a training run, once: the flags of the reference's {@code main.py} with its defaults, the
 * accepted range and the help text. {@code lm train}'s flags, the trainer's {@code POST /api/runs} body and its
 * OpenAPI schema, {@link TrainConfig#problems()}, the checkpoint header and {@link TrainConfig.Builder}'s defaults
 * all come from this list.
 */
public final class TrainOptions {
    /**
     * Upper bounds where the reference has none: far above any useful value (its defaults are lr 20, clip 0.25,
     * decay 4), low enough that a typo such as {@code 1e308} is refused instead of training to NaN.
     */
    static final double MAX_LR = 1000;
    static final double MAX_CLIP = 1000;
    static final double MAX_DECAY = 1000;

    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, ModelType> MODEL = Hyperparameter.of("model",
            ValueKind.choice(ModelType.class, ModelType::parse), ModelType.LSTM, TrainConfig::model,
            TrainConfig.Builder::model, "type of network");
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> EMSIZE = Hyperparameter.of("emsize",
            ValueKind.INT, 200, TrainConfig::emsize, TrainConfig.Builder::emsize, "size of word embeddings")
            .within(Bounds.between(1, 8192));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> NHID = Hyperparameter.of("nhid",
            ValueKind.INT, 200, TrainConfig::nhid, TrainConfig.Builder::nhid, "number of hidden units per layer")
            .within(Bounds.between(1, 8192));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> NLAYERS = Hyperparameter.of("nlayers",
            ValueKind.INT, 2, TrainConfig::nlayers, TrainConfig.Builder::nlayers, "number of layers")
            .within(Bounds.between(1, 16));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Double> LR = Hyperparameter.of("lr",
            ValueKind.DOUBLE, 20.0, TrainConfig::lr, TrainConfig.Builder::lr, "initial learning rate")
            .within(Bounds.above(0, MAX_LR));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Double> CLIP = Hyperparameter.of("clip",
            ValueKind.DOUBLE, 0.25, TrainConfig::clip, TrainConfig.Builder::clip,
            "gradient clipping: maximum global L2 norm of all gradients").within(Bounds.above(0, MAX_CLIP));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> EPOCHS = Hyperparameter.of("epochs",
            ValueKind.INT, 40, TrainConfig::epochs, TrainConfig.Builder::epochs, "upper epoch limit")
            .within(Bounds.between(1, 10_000)).mayChangeOnResume();
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> BATCH_SIZE = Hyperparameter.of(
            "batchSize", ValueKind.INT, 20, TrainConfig::batchSize, TrainConfig.Builder::batchSize,
            "batch size (evaluation uses " + TrainConfig.EVAL_BATCH_SIZE + ")").within(Bounds.between(1, 4096))
            .alsoSpelled("--batch_size");
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> BPTT = Hyperparameter.of("bptt",
            ValueKind.INT, 35, TrainConfig::bptt, TrainConfig.Builder::bptt, "sequence length")
            .within(Bounds.between(1, 4096));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Double> DROPOUT = Hyperparameter.of("dropout",
            ValueKind.DOUBLE, 0.2, TrainConfig::dropout, TrainConfig.Builder::dropout,
            "dropout applied to layers (0 = no dropout)").within(Bounds.from(0, 1));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Double> DECAY = Hyperparameter.of("decay",
            ValueKind.DOUBLE, 4.0, TrainConfig::decay, TrainConfig.Builder::decay,
            "divide the learning rate by this when validation loss does not improve")
            .within(Bounds.between(1, MAX_DECAY).withNote("1 = never anneal"));
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Boolean> TIED = Hyperparameter.of("tied",
            ValueKind.BOOLEAN, false, TrainConfig::tied, TrainConfig.Builder::tied,
            "tie the word embedding and softmax weights (needs emsize == nhid)");
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Long> SEED = Hyperparameter.of("seed",
            ValueKind.LONG, 1111L, TrainConfig::seed, TrainConfig.Builder::seed, "random seed");
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Boolean> CUDA = Hyperparameter.of("cuda",
            ValueKind.BOOLEAN, false, TrainConfig::cuda, TrainConfig.Builder::cuda, "train on a CUDA GPU")
            .mayChangeOnResume();
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> LOG_INTERVAL = Hyperparameter.of(
            "logInterval", ValueKind.INT, 200, TrainConfig::logInterval, TrainConfig.Builder::logInterval,
            "report interval in batches").within(Bounds.atLeast(1)).alsoSpelled("--log_interval").mayChangeOnResume();

    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Boolean> DRY_RUN = Hyperparameter.of("dryRun",
            ValueKind.BOOLEAN, false, TrainConfig::dryRun, TrainConfig.Builder::dryRun,
            "verify the data and the model: one batch of training and of evaluation, one epoch, nothing saved")
            .alsoSpelled("--dry_run").mayChangeOnResume();

    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Integer> NHEAD = Hyperparameter.of("nhead",
            ValueKind.INT, ModelConfig.DEFAULT_NHEAD, TrainConfig::nhead, TrainConfig.Builder::nhead,
            "the number of heads in the encoder of the Transformer model (must divide emsize; ignored by the RNNs)")
            .within(Bounds.between(1, 1024));

    /**
     * The reference's {@code --use-optimizer}: {@code torch.optim.AdamW(model.parameters(), lr=args.lr)}, so at the
     * same lr (whose default is SGD's 20) and never annealed: the reference divides only its SGD step's lr.
     */
    public static final Hyperparameter<TrainConfig, TrainConfig.Builder, Boolean> USE_OPTIMIZER = Hyperparameter.of(
            "useOptimizer", ValueKind.BOOLEAN, false, TrainConfig::useOptimizer, TrainConfig.Builder::useOptimizer,
            "use AdamW (betas 0.9/0.999, eps 1e-8, weight decay 0.01) at the constant --lr instead of plain SGD; "
                    + "give a small --lr such as 0.001");

    /** In the reference's order of flags. */
    public static final List<Hyperparameter<TrainConfig, TrainConfig.Builder, ?>> ALL = List.of(MODEL, EMSIZE, NHID,
            NLAYERS, LR, CLIP, EPOCHS, BATCH_SIZE, BPTT, DROPOUT, DECAY, TIED, SEED, CUDA, LOG_INTERVAL, DRY_RUN, NHEAD,
            USE_OPTIMIZER);

    private TrainOptions() {
    }

    public static Optional<Hyperparameter<TrainConfig, TrainConfig.Builder, ?>> named(String name) {
        return ALL.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /**
     * A configuration from the values a client sent, by option name ({@code null} or absent: the default). A value
     * that cannot be read leaves the default and adds a problem under its name.
     */
    public static TrainConfig.Builder fromValues(Map<String, ?> values, Map<String, String> problems) {
        return OptionValues.fill(TrainConfig.builder(), ALL, values, problems);
    }
}
