package dev.wordlm.trainer.api;

import dev.wordlm.openapi.OptionSchemas;
import dev.wordlm.train.TrainOptions;
import io.quarkus.smallrye.openapi.OpenApiFilter;
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
        OptionSchemas.describeProperties(request.getProperties(), TrainOptions.ALL);
    }
}
