package dev.wordlm.trainer.run;

import dev.wordlm.model.ModelType;
import dev.wordlm.options.OptionValues;
import dev.wordlm.problem.Echo;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.TrainOptions;
import jakarta.validation.constraints.Size;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /api/runs}: the hyperparameters of {@code lm train}, same names, defaults and ranges
 * ({@link TrainOptions}, which also fills in this schema's defaults, ranges and descriptions:
 * {@link dev.wordlm.trainer.api.HyperparameterSchemas}); any left out take the default. Each field has one
 * spelling (the CLI's {@code --batch_size} is {@code batchSize} here): a second spelling would let a body carry two
 * values for one field. The model type is spelled exactly as listed (or, for the Transformer, as the reference spells it). A component named as a hyperparameter is one:
 * no field-by-field copy. The model type is also accepted as the reference spells its {@code --model Transformer}.
 */
@ValidRunRequest
@Schema(description = "A training run to queue. Omitted hyperparameters take the defaults of `lm train`.")
public record RunRequest(
        @Schema(description = "Free-form label", examples = "lstm-small") @Size(max = 200) String name,
        @Schema(description = "Dataset name: `sample` (built in), a directory under the data root, or an uploaded one",
                required = true, examples = "sample") String dataset,
        String model,
        Integer emsize,
        Integer nhid,
        Integer nlayers,
        Double lr,
        Double clip,
        Integer epochs,
        Integer batchSize,
        Integer bptt,
        Double dropout,
        Double decay,
        Boolean tied,
        Long seed,
        Integer logInterval,
        @Schema(description = "Train on a CUDA GPU; omitted: as the service's wordlm.device says") Boolean cuda,
        Boolean dryRun,
        Integer nhead,
        Boolean useOptimizer) {

    /** What is wrong with the hyperparameters, by field, with the CLI's messages. */
    public Map<String, String> problems() {
        Map<String, String> problems = new LinkedHashMap<>();
        if (model != null && !TrainOptions.MODEL.kind().choices().contains(model)
                && !ModelType.TRANSFORMER.referenceName().equals(model)) {
            problems.put(TrainOptions.MODEL.name(), "must be one of " + String.join(", ",
                    TrainOptions.MODEL.kind().choices()) + " (spelled exactly so, or " + ModelType.TRANSFORMER.referenceName()
                    + " as the reference spells it), got " + Echo.of(model));
        }
        TrainConfig config = TrainOptions.fromValues(OptionValues.of(this), problems).build();
        config.problems().forEach(problems::putIfAbsent);
        return problems;
    }

    /** The configuration with defaults filled in; a value that cannot be read takes the default (see {@link #problems}). */
    public TrainConfig toConfig(boolean useCuda) {
        return TrainOptions.fromValues(OptionValues.of(this), new HashMap<>()).cuda(useCuda).build();
    }
}
