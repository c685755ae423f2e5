package dev.wordlm.trainer.console;

import dev.wordlm.events.RunStatus;
import dev.wordlm.options.FormField;
import dev.wordlm.train.TrainOptions;
import dev.wordlm.trainer.api.Ids;
import dev.wordlm.trainer.config.TrainerSettings;
import dev.wordlm.trainer.dataset.DatasetCatalog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The trainer's web console: pages that hold no data themselves. Their scripts call the API with the token the user
 * pasted, so a page is open to anyone and what it shows is exactly what that token may read.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsolePages {
    /** The new-run form's fields: every hyperparameter, its default and range as the API has them. */
    static final List<FormField> RUN_FIELDS = FormField.of(TrainOptions.ALL);
    static final List<String> STATUSES = Arrays.stream(RunStatus.values()).map(Enum::name).toList();

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance runs(String generatorUrl, List<String> statuses);

        static native TemplateInstance run(String generatorUrl, String runId);

        static native TemplateInstance compare(String generatorUrl);

        static native TemplateInstance newRun(String generatorUrl, List<FormField> fields);

        static native TemplateInstance datasets(String generatorUrl, List<String> splits, String nameRule);
    }

    private final String generatorUrl;

    public ConsolePages(TrainerSettings settings) {
        this.generatorUrl = settings.console().generatorUrl().replaceAll("/+$", "");
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance runs() {
        return Templates.runs(generatorUrl, STATUSES);
    }

    @GET
    @Operation(hidden = true)
    @Path("runs/{id}")
    public TemplateInstance run(@PathParam("id") String id) {
        return Templates.run(generatorUrl, Ids.runId(id).toString());
    }

    @GET
    @Operation(hidden = true)
    @Path("compare")
    public TemplateInstance compare() {
        return Templates.compare(generatorUrl);
    }

    @GET
    @Operation(hidden = true)
    @Path("new")
    public TemplateInstance newRun() {
        return Templates.newRun(generatorUrl, RUN_FIELDS);
    }

    @GET
    @Operation(hidden = true)
    @Path("datasets")
    public TemplateInstance datasets() {
        return Templates.datasets(generatorUrl, DatasetCatalog.UPLOAD_FIELDS, DatasetCatalog.NAME_RULE);
    }
}
