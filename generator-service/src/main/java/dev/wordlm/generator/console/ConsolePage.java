package dev.wordlm.generator.console;

import dev.wordlm.generation.GenerationOptions;
import dev.wordlm.generator.config.GeneratorConfig;
import dev.wordlm.options.FormField;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The generator's web console: what is served and the choice of it, a playground that streams words, and scoring.
 * The page holds no data; its script calls the API with the token the user pasted.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsolePage {
    /** The playground's fields: every sampling option, its default and range as the API has them. */
    static final List<FormField> GENERATION_FIELDS = FormField.of(GenerationOptions.ALL);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(String trainerUrl, List<FormField> fields);
    }

    private final String trainerUrl;

    public ConsolePage(GeneratorConfig config) {
        this.trainerUrl = config.console().trainerUrl().replaceAll("/+$", "");
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance index() {
        return Templates.index(trainerUrl, GENERATION_FIELDS);
    }
}
