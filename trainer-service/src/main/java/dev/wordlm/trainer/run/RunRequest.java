package dev.wordlm.trainer.run;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.wordlm.model.ModelType;
import dev.wordlm.train.TrainConfig;
import jakarta.validation.constraints.Size;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /api/runs}: the hyperparameters of {@code lm train}, same names and defaults
 * ({@link TrainConfig#defaults()}); any left out take the default. {@code batch_size}/{@code log_interval} are
 * accepted too, as the CLI's flags spell them.
 */
@ValidRunRequest
@Schema(description = "A training run to queue. Omitted hyperparameters take the defaults of `lm train`.")
public record RunRequest(
        @Schema(description = "Free-form label", examples = "lstm-small") @Size(max = 200) String name,
        @Schema(description = "Dataset name: `sample` (built in), a directory under the data root, or an uploaded one",
                required = true, examples = "sample") String dataset,
        @Schema(description = "RNN_TANH, RNN_RELU, LSTM or GRU", defaultValue = "LSTM") String model,
        @Schema(defaultValue = "200") Integer emsize,
        @Schema(defaultValue = "200") Integer nhid,
        @Schema(defaultValue = "2") Integer nlayers,
        @Schema(defaultValue = "20") Double lr,
        @Schema(defaultValue = "0.25") Double clip,
        @Schema(defaultValue = "40") Integer epochs,
        @Schema(defaultValue = "20") @JsonAlias("batch_size") Integer batchSize,
        @Schema(defaultValue = "35") Integer bptt,
        @Schema(defaultValue = "0.2") Double dropout,
        @Schema(defaultValue = "4") Double decay,
        @Schema(defaultValue = "false") Boolean tied,
        @Schema(defaultValue = "1111") Long seed,
        @Schema(defaultValue = "200") @JsonAlias("log_interval") Integer logInterval,
        @Schema(description = "Train on a CUDA GPU; omitted: as the service's wordlm.device says") Boolean cuda) {

    /** The model type, if {@link #model} names one (or is left out: the default). */
    public Optional<ModelType> modelType() {
        if (model == null) {
            return Optional.of(TrainConfig.defaults().model());
        }
        try {
            return Optional.of(ModelType.parse(model));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The configuration with defaults filled in; an unknown model type becomes the default so the rest can be checked. */
    public TrainConfig toConfig(boolean useCuda) {
        TrainConfig d = TrainConfig.defaults();
        return new TrainConfig(
                modelType().orElse(d.model()),
                or(emsize, d.emsize()),
                or(nhid, d.nhid()),
                or(nlayers, d.nlayers()),
                or(lr, d.lr()),
                or(clip, d.clip()),
                or(epochs, d.epochs()),
                or(batchSize, d.batchSize()),
                or(bptt, d.bptt()),
                or(dropout, d.dropout()),
                or(decay, d.decay()),
                or(tied, d.tied()),
                or(seed, d.seed()),
                useCuda,
                or(logInterval, d.logInterval()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
