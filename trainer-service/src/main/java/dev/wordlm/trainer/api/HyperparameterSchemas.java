package dev.wordlm.trainer.api;

import dev.wordlm.options.Bounds;
import dev.wordlm.options.Hyperparameter;
import dev.wordlm.train.TrainOptions;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Writes each hyperparameter's default, range, choices and help from {@link TrainOptions} into the OpenAPI schema of
 * the run request, so the document cannot drift from what the service accepts.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class HyperparameterSchemas implements OASFilter {
    static final String RUN_REQUEST = "RunRequest";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        Schema request = openAPI.getComponents().getSchemas().get(RUN_REQUEST);
        if (request == null || request.getProperties() == null) {
            return;
        }
        Map<String, Schema> properties = request.getProperties();
        for (Hyperparameter<?, ?, ?> h : TrainOptions.ALL) {
            Schema p = properties.get(h.name());
            if (p != null) {
                describe(p, h);
            }
        }
    }

    private static void describe(Schema p, Hyperparameter<?, ?, ?> h) {
        p.setDefaultValue(h.defaultValue() instanceof Enum<?> e ? e.name() : h.defaultValue());
        if (p.getDescription() == null) {
            p.setDescription(h.help());
        }
        if (!h.kind().choices().isEmpty()) {
            p.setEnumeration(new ArrayList<>(h.kind().choices()));
        }
        Bounds b = h.bounds();
        if (b.min() != null) {
            if (b.minExcluded()) {
                p.setExclusiveMinimum(BigDecimal.valueOf(b.min()));
            } else {
                p.setMinimum(BigDecimal.valueOf(b.min()));
            }
        }
        if (b.max() != null) {
            if (b.maxExcluded()) {
                p.setExclusiveMaximum(BigDecimal.valueOf(b.max()));
            } else {
                p.setMaximum(BigDecimal.valueOf(b.max()));
            }
        }
    }
}
