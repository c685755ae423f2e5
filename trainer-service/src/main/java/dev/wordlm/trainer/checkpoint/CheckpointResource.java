package dev.wordlm.trainer.checkpoint;

import dev.wordlm.problem.Problem;
import dev.wordlm.trainer.api.Ids;
import dev.wordlm.problem.Echo;
import dev.wordlm.problem.FieldProblem;
import dev.wordlm.problem.ProblemResponses;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.problem.Text;
import dev.wordlm.trainer.api.RequestValidation;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Sort;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Checkpoint metadata and files: generators download models from here, so they need no shared volume. */
@Path("/api/checkpoints")
@Tag(name = "checkpoints")
public class CheckpointResource {
    static final int MAX_LIMIT = 200;
    private final CheckpointViews views;
    private final CheckpointFiles files;

    private final ProblemResponses responses;
    private final CheckpointImport imports;

    public CheckpointResource(CheckpointViews views, CheckpointFiles files, ProblemResponses responses,
                              CheckpointImport imports) {
        this.views = views;
        this.files = files;
        this.responses = responses;
        this.imports = imports;
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Imports a checkpoint file (.wlm) as a finished run of its own, announced to generators",
            description = "The body is a `.wlm` file, from `./lm train` or from `./lm import --data DIR` of a model the "
                    + "reference trained in Python. It is verified (format, integrity digest, a measured validation "
                    + "loss), becomes a COMPLETED run named `name` on dataset `imported` with this one checkpoint, and "
                    + "is announced on `checkpoints` like a trained one. At most `quarkus.http.limits.max-body-size`.")
    @APIResponse(responseCode = "201", description = "Imported: the checkpoint; Location is its URL")
    @APIResponse(responseCode = "400", description = "Not a usable checkpoint, or a bad name",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response importCheckpoint(InputStream body,
                                     @Parameter(description = "The imported run's name", schema = @Schema(maxLength = 200))
                                     @QueryParam("name") String name, @Context UriInfo uri) {
        RequestValidation.onlyParams(uri, java.util.Set.of("name"));
        if (name != null && name.length() > 200) {
            throw ProblemException.invalid("name", "at most 200 characters, got " + name.length());
        }
        Text.problem(name).ifPresent(problem -> {
            throw ProblemException.invalid("name", problem);
        });
        CheckpointRecord c = imports.importFile(body, name == null || name.isBlank() ? "imported" : name);
        return Response.created(uri.getBaseUriBuilder().path("api/checkpoints").path(c.id.toString()).build())
                .entity(views.of(c)).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Checkpoints, newest first or best (lowest validation perplexity) first",
            description = "The generator asks for `?selection=newest&limit=1` (or `best`, optionally within one `runId`) "
                    + "to know what to serve at start-up.")
    @APIResponse(responseCode = "400", description = "Invalid selection, limit or runId",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public List<CheckpointView> list(
            @Parameter(schema = @Schema(enumeration = {"newest", "best"}, defaultValue = "newest"))
            @QueryParam("selection") @DefaultValue("newest") String selection,
            @Parameter(description = "At most this many", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "" + MAX_LIMIT, defaultValue = "20")) @QueryParam("limit") @DefaultValue("20") String limit,
            @Parameter(description = "Only this run's checkpoints", schema = @Schema(type = SchemaType.STRING,
                    format = "uuid")) @QueryParam("runId") String runId, @Context UriInfo uri) {
        RequestValidation.onlyParams(uri, java.util.Set.of("selection", "limit", "runId"));
        Sort order = switch (selection) {
            case "newest" -> Sort.descending("createdAt");
            case "best" -> Sort.ascending("validLoss").and("createdAt", Sort.Direction.Descending);
            default -> throw ProblemException.invalid("selection", "must be newest or best, got " + Echo.of(selection));
        };
        int n = RequestValidation.intParam("limit", limit, 1, MAX_LIMIT);
        PanacheQuery<CheckpointRecord> query;
        if (runId == null || runId.isBlank()) {
            query = CheckpointRecord.findAll(order);
        } else {
            UUID run = Ids.parse(runId).orElseThrow(() -> ProblemException.invalid("runId", "is not a UUID: " + Echo.of(runId)));
            query = CheckpointRecord.find("runId", order, run);
        }
        return query.page(0, n).list().stream().map(views::of).toList();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "A checkpoint: run, epoch, validation perplexity, sha256, size, model, download URL")
    @APIResponse(responseCode = "404", description = "No such checkpoint",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public CheckpointView get(@PathParam("id") String id) {
        return views.of(find(id));
    }

    @GET
    @Path("{id}/content")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, MediaType.APPLICATION_JSON})
    @Transactional
    @Operation(summary = "The checkpoint file (.wlm); its sha256 is in the metadata and the ETag",
            description = "A single `Range: bytes=a-b` gives 206 with that part (416 beyond the file; several ranges "
                    + "give the whole file); `If-None-Match` with the ETag gives 304.")
    public Response content(@PathParam("id") String id, @HeaderParam("Range") String range,
                            @HeaderParam("If-None-Match") String ifNoneMatch) throws IOException {
        CheckpointRecord c = find(id);
        java.nio.file.Path file = files.resolve(c.file).orElseThrow(() -> ProblemException.notFound(
                "the file of checkpoint " + c.id + " is not on this replica's checkpoint volume"));
        String etag = "\"" + c.sha256 + "\"";
        if (ByteRange.matches(ifNoneMatch, etag)) {
            return Response.notModified().header("ETag", etag).build();
        }
        long size = Files.size(file);
        ByteRange part = ByteRange.parse(range, size).orElse(null);
        if (part != null && part.unsatisfiable()) {
            return Response.fromResponse(responses.response(Problem.of(416, "range-not-satisfiable",
                    "the file has " + size + " bytes: the range " + Echo.of(range) + " starts beyond it",
                    List.of(new FieldProblem("Range", "starts beyond the end of the file")))))
                    .header("Content-Range", "bytes */" + size).build();
        }
        Response.ResponseBuilder answer;
        if (part != null) {
            answer = Response.status(206).entity(part.of(file)).header("Content-Range", part.contentRange())
                    .header("Content-Length", part.length());
        } else if (range != null) {
            // Not served as ranges (several, or not in bytes): the whole file, without any range header.
            answer = Response.ok(ByteRange.whole(size).of(file)).header("Content-Length", size);
        } else {
            answer = Response.ok(file.toFile());
        }
        return answer.type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", "attachment; filename=\"" + c.id + ".wlm\"")
                .header("ETag", etag)
                .header("X-Checkpoint-Sha256", c.sha256)
                .build();
    }

    private static CheckpointRecord find(String id) {
        UUID checkpointId = Ids.parse(id).orElse(null);
        CheckpointRecord c = checkpointId == null ? null : CheckpointRecord.findById(checkpointId);
        if (c == null) {
            throw ProblemException.notFound("no checkpoint with id " + Echo.of(id));
        }
        return c;
    }
}
