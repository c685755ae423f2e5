package dev.wordlm.trainer.dataset;

import dev.wordlm.problem.Echo;
import dev.wordlm.problem.Problem;
import dev.wordlm.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Datasets runs can train on: {@code sample}, the directories under the data root, and uploaded ones. */
@Path("/api/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets")
public class DatasetResource {
    private final DatasetCatalog catalog;

    public DatasetResource(DatasetCatalog catalog) {
        this.catalog = catalog;
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
            description = "Multipart form: name, and the files train, valid and test (UTF-8 text, one sentence per "
                    + "line). The request size is limited by quarkus.http.limits.max-body-size.")
    @APIResponse(responseCode = "201", description = "Stored",
            content = @Content(schema = @Schema(implementation = DatasetView.class)))
    @APIResponse(responseCode = "400", description = "A bad name or file; each bad field is named",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A dataset with this name exists",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response upload(@RestForm("name") String name, @RestForm("train") FileUpload train,
                           @RestForm("valid") FileUpload valid, @RestForm("test") FileUpload test) {
        Map<String, java.nio.file.Path> files = new HashMap<>();
        put(files, "train", train);
        put(files, "valid", valid);
        put(files, "test", test);
        DatasetView view = catalog.add(name, files);
        return Response.created(URI.create("/api/datasets/" + view.name())).entity(view).build();
    }

    private static void put(Map<String, java.nio.file.Path> files, String field, FileUpload upload) {
        if (upload != null && upload.uploadedFile() != null) {
            files.put(field, upload.uploadedFile());
        }
    }
}
