package dev.wordlm.generator.generation;

import dev.wordlm.generation.GenerationOptions;
import dev.wordlm.openapi.OptionSchemas;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * Documents the generation parameters from {@link GenerationOptions} (type, default, range, help): the query of
 * {@code GET /generate/stream}, the form fields of {@code POST /generate} and the properties of its JSON body, which
 * the resources read by hand because they accept the same names in three carriers.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class GenerationSchemas implements OASFilter {
    private static final String PROMPT_HELP = "words to condition on (at most wordlm.generation.max-prompt-chars characters)";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            Schema json = openAPI.getComponents().getSchemas().get(GenerateJsonRequest.class.getSimpleName());
            if (json != null) {
                OptionSchemas.describeProperties(json.getProperties(), GenerationOptions.ALL);
            }
        }
        if (openAPI.getPaths() == null) {
            return;
        }
        PathItem stream = openAPI.getPaths().getPathItem("/generate/stream");
        if (stream != null && stream.getGET() != null) {
            Operation get = stream.getGET();
            get.addParameter(OASFactory.createParameter().name("prompt").in(Parameter.In.QUERY).description(PROMPT_HELP)
                    .schema(OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))));
            GenerationOptions.ALL.forEach(h -> get.addParameter(OptionSchemas.queryParameter(h)));
        }
        PathItem generate = openAPI.getPaths().getPathItem("/generate");
        if (generate != null && generate.getPOST() != null && generate.getPOST().getRequestBody() != null) {
            Content content = generate.getPOST().getRequestBody().getContent();
            for (String type : List.of("multipart/form-data", "application/x-www-form-urlencoded")) {
                MediaType form = content == null ? null : content.getMediaType(type);
                if (form != null) {
                    form.setSchema(formSchema());
                }
            }
        }
    }

    private static Schema formSchema() {
        Schema form = OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT)).additionalPropertiesBoolean(false);
        form.addProperty("prompt", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(PROMPT_HELP));
        GenerationOptions.ALL.forEach(h -> form.addProperty(h.name(), OptionSchemas.schema(h)));
        return form;
    }
}
