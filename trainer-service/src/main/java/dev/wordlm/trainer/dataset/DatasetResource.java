package dev.wordlm.trainer.dataset;

import dev.wordlm.trainer.api.ApiError;
import dev.wordlm.trainer.api.ConflictProblem;
import dev.wordlm.trainer.api.NotFoundProblem;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
    private final EntityManager em;

    public DatasetResource(DatasetCatalog catalog, EntityManager em) {
        this.catalog = catalog;
        this.em = em;
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
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public DatasetView get(@PathParam("name") String name) {
        return catalog.view(name).orElseThrow(() -> new NotFoundProblem("no dataset named '" + name + "'"));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a dataset",
            description = "Multipart form: name, and the files train, valid and test (UTF-8 text, one sentence per "
                    + "line). The request size is limited by quarkus.http.limits.max-body-size.")
    @APIResponse(responseCode = "201", description = "Stored",
            content = @Content(schema = @Schema(implementation = DatasetView.class)))
    @APIResponse(responseCode = "400", description = "A bad name or file; each bad field is named",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "A dataset with this name exists",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "413", description = "Too large, or over the upload quota (wordlm.datasets.upload-quota)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response upload(@RestForm("name") String name, @RestForm("train") FileUpload train,
                           @RestForm("valid") FileUpload valid, @RestForm("test") FileUpload test) {
        Map<String, java.nio.file.Path> files = new HashMap<>();
        put(files, "train", train);
        put(files, "valid", valid);
        put(files, "test", test);
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
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "In use by a run, or not an uploaded dataset",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response delete(@PathParam("name") String name) {
        if (catalog.view(name).isEmpty()) {
            throw new NotFoundProblem("no dataset named '" + name + "'");
        }
        List<?> users = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select id from runs where dataset = ?1 and status in ('QUEUED', 'RUNNING') order by created_at limit 5")
                .setParameter(1, name).getResultList());
        if (!users.isEmpty()) {
            throw new ConflictProblem("dataset '" + name + "' is in use by run(s) " + users.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + "; cancel or wait for them first");
        }
        catalog.remove(name);
        return Response.noContent().build();
    }

    private static void put(Map<String, java.nio.file.Path> files, String field, FileUpload upload) {
        if (upload != null && upload.uploadedFile() != null) {
            files.put(field, upload.uploadedFile());
        }
    }
}
