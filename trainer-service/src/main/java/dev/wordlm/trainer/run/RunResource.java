package dev.wordlm.trainer.run;

import dev.wordlm.events.RunStatus;
import dev.wordlm.events.RunStatusChanged;
import dev.wordlm.problem.Problem;
import dev.wordlm.trainer.api.Ids;
import dev.wordlm.problem.Echo;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.trainer.api.RequestValidation;
import dev.wordlm.trainer.live.LiveEvent;
import dev.wordlm.trainer.live.RunEventHub;
import dev.wordlm.trainer.live.RunEventStream;
import dev.wordlm.trainer.retention.RunDeletion;
import dev.wordlm.trainer.training.LocalRuns;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Training runs: queue, inspect, follow live, cancel, delete. JDBC work runs on worker threads, never the event loop. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs")
public class RunResource {
    static final int MAX_PAGE_SIZE = 200;
    /** Far beyond any real list, and small enough that page times size never overflows an offset. */
    static final int MAX_PAGE = 1_000_000;

    private final RunService service;
    private final RunQueries queries;
    private final RunViews views;
    private final RequestValidation validation;
    private final RunEventStream events;
    private final RunEventHub hub;
    private final LocalRuns localRuns;
    private final RunDeletion deletion;

    public RunResource(RunService service, RunQueries queries, RunViews views, RequestValidation validation,
                       RunEventStream events, RunEventHub hub, LocalRuns localRuns, RunDeletion deletion) {
        this.deletion = deletion;
        this.service = service;
        this.queries = queries;
        this.views = views;
        this.validation = validation;
        this.events = events;
        this.hub = hub;
        this.localRuns = localRuns;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Queue a training run",
            description = "Validates the hyperparameters, stores the run and its training request in one transaction "
                    + "(so it is never lost, even while Kafka is down) and answers 202 with the run.")
    @APIResponse(responseCode = "202", description = "Queued; Location names the run",
            content = @Content(schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "400", description = "Invalid request; each bad field is named",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response create(RunRequest body) {
        if (body == null) {
            throw ProblemException.invalid("body", "a JSON object with the run's dataset and hyperparameters is required");
        }
        validation.check(body);
        TrainingRun run = service.create(body);
        // The run as just stored: no need to read it back, and a new run has no checkpoints yet.
        return Response.accepted(views.of(run, List.of())).location(URI.create("/api/runs/" + run.id)).build();
    }

    @GET
    @Operation(summary = "List runs, newest first, optionally only those in one status")
    public RunPage list(
            @Parameter(description = "Only runs in this status", schema = @Schema(implementation = RunStatus.class))
            @QueryParam("status") String status,
            @Parameter(description = "Page number, from 0", schema = @Schema(type = SchemaType.INTEGER, minimum = "0",
                    maximum = "" + MAX_PAGE, defaultValue = "0")) @QueryParam("page") @DefaultValue("0") String page,
            @Parameter(description = "Runs per page", schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                    maximum = "" + MAX_PAGE_SIZE, defaultValue = "20")) @QueryParam("size") @DefaultValue("20") String size,
            @Context UriInfo uri) {
        RequestValidation.onlyParams(uri, java.util.Set.of("status", "page", "size"));
        return queries.page(parseStatus(status), RequestValidation.intParam("page", page, 0, MAX_PAGE),
                RequestValidation.intParam("size", size, 1, MAX_PAGE_SIZE));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A run: status, progress, perplexities, timings, error, checkpoints")
    @APIResponse(responseCode = "404", description = "No such run",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public RunView get(@PathParam("id") String id) {
        return queries.view(Ids.runId(id));
    }

    @GET
    @Path("{id}/metrics")
    @Operation(summary = "The run's finished epochs: losses, perplexities, learning rate, time, tokens/s")
    public List<EpochMetricView> metrics(@PathParam("id") String id) {
        return queries.metrics(Ids.runId(id));
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Live progress as server-sent events",
            description = "Events: run (the run when the stream opens), log (training log lines), batch (every "
                    + "logInterval batches), epoch (end of each epoch), status (changes; the stream ends after a final "
                    + "one). Batch and log events come from the replica that trains the run.")
    public Multi<OutboundSseEvent> events(@PathParam("id") String id, @Context Sse sse) {
        return events.open(Ids.runId(id))
                .map(e -> sse.newEventBuilder().name(e.name()).data(e.data().getClass(), e.data()).build());
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel a run",
            description = "A queued run is cancelled at once. A running one stops after its current batch and its best "
                    + "model is evaluated on test, like Ctrl-C in the reference; it then ends CANCELLED.")
    @APIResponse(responseCode = "202", description = "Cancelled, or cancellation requested",
            content = @Content(schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "409", description = "The run has already ended",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response cancel(@PathParam("id") String id) {
        UUID runId = Ids.runId(id);
        TrainingRun run = service.cancel(runId);
        if (run.status == RunStatus.CANCELLED) {
            hub.publish(runId, LiveEvent.STATUS, RunStatusChanged.of(runId, RunStatus.CANCELLED,
                    "cancelled before it started", Instant.now()));
        } else {
            // Trained here: stop now rather than at the next heartbeat.
            localRuns.session(runId).ifPresent(s -> s.cancel());
        }
        return Response.accepted(queries.view(runId)).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a run, its metrics, checkpoints and files",
            description = "A finished or queued run is deleted at once (204). A running one is cancelled and deleted as "
                    + "soon as its trainer has stopped (202; it then answers 404). A generator keeps serving a model it "
                    + "has loaded.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "202", description = "Cancelled; deleted once it has stopped")
    @APIResponse(responseCode = "404", description = "No such run",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Response delete(@PathParam("id") String id) {
        return deletion.delete(Ids.runId(id)) == RunDeletion.Outcome.DELETED
                ? Response.noContent().build()
                : Response.accepted().build();
    }

    private static RunStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return RunStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("status", "must be one of " + Arrays.stream(RunStatus.values())
                    .map(Enum::name).collect(Collectors.joining(", ")) + ", got " + Echo.of(status));
        }
    }
}
