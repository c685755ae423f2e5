package dev.wordlm.trainer.dataset;

import dev.wordlm.problem.Echo;
import dev.wordlm.problem.FieldProblem;
import dev.wordlm.problem.Problem;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.problem.Text;
import dev.wordlm.trainer.run.RunQueries;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/** Datasets runs can train on: {@code sample}, the directories under the data root, and uploaded ones. */
@Path("/api/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
public class DatasetResource {
    private final DatasetCatalog catalog;
    private final RunQueries runs;

    public DatasetResource(DatasetCatalog catalog, RunQueries runs) {
        this.catalog = catalog;
        this.runs = runs;
    }

    @GET
    @Operation(summary = "List the datasets")
    public List<DatasetView> list() {
        return catalog.list();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "One dataset")
    @APIResponse(responseCode = "404", description = "No such dataset",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public DatasetView get(@PathParam("name") String name) {
        return catalog.view(name).orElseThrow(() -> ProblemException.notFound("no dataset named " + Echo.of(name)));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a dataset",
            description = "Multipart form: name, and the files train, valid and test (UTF-8 text without NUL bytes, "
                    + "one sentence per line), each exactly once and nothing else. The request size is limited by "
                    + "quarkus.http.limits.max-body-size.")
    @APIResponse(responseCode = "201", description = "Stored",
            content = @Content(schema = @Schema(implementation = DatasetView.class)))
    @APIResponse(responseCode = "400", description = "A bad name or file; each bad field is named",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A dataset with this name exists",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Too large, or over the upload quota (wordlm.datasets.upload-quota)",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response upload(MultipartFormDataInput form) {
        Map<String, java.nio.file.Path> files = new HashMap<>();
        String name = null;
        List<FieldProblem> errors = new ArrayList<>();
        for (Map.Entry<String, Collection<FormValue>> part : form.getValues().entrySet()) {
            String field = part.getKey() == null ? "" : part.getKey();
            List<FormValue> values = List.copyOf(part.getValue());
            boolean isName = field.equals("name");
            if (!isName && !DatasetCatalog.FIELD_SET.contains(field)) {
                errors.add(new FieldProblem(Echo.of(field).replace("'", ""),
                        "unknown part; the parts are name, train, valid and test"));
            } else if (values.size() != 1) {
                errors.add(new FieldProblem(field, "is given " + values.size() + " times; give it once"));
            } else if (isName && values.get(0).isFileItem()) {
                errors.add(new FieldProblem(field, "must be a plain form field, not a file"));
            } else if (isName) {
                name = values.get(0).getValue();
                Text.problem(name).ifPresent(p -> errors.add(new FieldProblem("name", p)));
            } else if (!values.get(0).isFileItem()) {
                errors.add(new FieldProblem(field, "must be a file part (with a filename), not a plain field"));
            } else {
                files.put(field, values.get(0).getFileItem().getFile());
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        DatasetView view = catalog.add(name, files);
        return Response.created(URI.create("/api/datasets/" + view.name())).entity(view).build();
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete an uploaded dataset",
            description = "Refused while a QUEUED or RUNNING run trains on it, and for datasets that did not come "
                    + "through POST /api/datasets (the sample, directories placed in the data root).")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such dataset",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "In use by a run, or not an uploaded dataset",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response delete(@PathParam("name") String name) {
        if (catalog.view(name).isEmpty()) {
            throw ProblemException.notFound("no dataset named " + Echo.of(name));
        }
        List<UUID> users = runs.activeOn(name, 5);
        if (!users.isEmpty()) {
            throw ProblemException.conflict("dataset '" + name + "' is in use by run(s) " + users.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + "; cancel or wait for them first");
        }
        catalog.remove(name);
        return Response.noContent().build();
    }
}
