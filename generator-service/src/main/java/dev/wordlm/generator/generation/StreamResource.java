package dev.wordlm.generator.generation;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import io.vertx.core.http.HttpServerResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /generate/stream?words=50&temperature=1.0&...}: server-sent events, one per word as it is sampled (see
 * {@link SseSink} for the events). Invalid requests, no model or a full queue are answered as plain JSON errors
 * before the stream starts.
 */
@Path("/generate/stream")
@Tag(name = "generation")
public class StreamResource {
    private final GenerationService service;
    private final ObjectMapper json;

    public StreamResource(GenerationService service, ObjectMapper json) {
        this.service = service;
        this.json = json;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Stream generated words as server-sent events; query: words, temperature, seed, prompt, topK, topP")
    public void stream(@Context UriInfo uri, @Context SseEventSink events, @Context Sse sse,
                       @Context HttpServerResponse response) {
        GenerationService.Ticket ticket = service.admit(GenerationParams.fromStrings(uri.getQueryParameters()),
                GenerationMetrics.Api.STREAM);
        try {
            ModelTag model = ModelTag.of(ticket.checkpoint());
            // Headers go out with the first event, so they must be set before the job can send one.
            response.putHeader(ModelTag.CHECKPOINT_HEADER, model.checkpointId().toString());
            response.putHeader(ModelTag.RUN_HEADER, model.runHeader());
            response.putHeader("Cache-Control", "no-cache");
            SseSink sink = new SseSink(events, sse, json);
            sink.opened(model);
            ticket.start(sink);
        } finally {
            ticket.close();
        }
    }
}
