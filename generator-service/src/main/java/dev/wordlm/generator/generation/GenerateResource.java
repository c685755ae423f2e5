package dev.wordlm.generator.generation;

import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/**
 * {@code POST /generate}: form fields (as {@code curl -F words=100 -F temperature=1.0}, or url-encoded) answer
 * {@code text/plain}; a JSON body answers JSON. Every answer names its checkpoint in the X-Model-* headers. The
 * methods only admit the request and return; the words are generated on the inference workers.
 */
@Path("/generate")
@Tag(name = "generation")
public class GenerateResource {
    private final GenerationService service;

    public GenerateResource(GenerationService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Generate text from form fields (multipart): words, temperature, seed, prompt, topK, topP")
    public CompletionStage<Response> multipart(MultipartFormDataInput form) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Map.Entry<String, Collection<FormValue>> e : form.getValues().entrySet()) {
            List<String> strings = new ArrayList<>();
            for (FormValue v : e.getValue()) {
                if (v.isFileItem()) {
                    throw ProblemException.invalid(e.getKey(), "must be a plain form field, not a file");
                }
                strings.add(v.getValue());
            }
            values.put(e.getKey(), strings);
        }
        return text(GenerationParams.fromStrings(values));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Generate text from url-encoded form fields: words, temperature, seed, prompt, topK, topP")
    public CompletionStage<Response> urlEncoded(MultivaluedMap<String, String> form) {
        return text(GenerationParams.fromStrings(form));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Generate text from a JSON request; answers the text, the words, the seed, the model and timings")
    public CompletionStage<Response> json(GenerateJsonRequest body) {
        return collect(GenerationParams.fromJson(body), GenerationMetrics.Api.JSON).thenApply(c -> {
            GenerationSummary s = c.summary();
            GenerateResponse answer = new GenerateResponse(TextLayout.of(c.words()), c.words(), s.words(), s.seed(),
                    ModelTag.of(s.checkpoint()), Timings.of(s));
            return tagged(Response.ok(answer, MediaType.APPLICATION_JSON_TYPE), answer.model());
        });
    }

    private CompletionStage<Response> text(GenerationRequest request) {
        return collect(request, GenerationMetrics.Api.TEXT).thenApply(c -> tagged(
                Response.ok(TextLayout.of(c.words()), MediaType.TEXT_PLAIN_TYPE), ModelTag.of(c.summary().checkpoint())));
    }

    private CompletionStage<CollectingSink.Collected> collect(GenerationRequest request, GenerationMetrics.Api api) {
        GenerationService.Ticket ticket = service.admit(request, api);
        CollectingSink sink = new CollectingSink(ticket.request().words());
        ticket.start(sink);
        return sink.result();
    }

    private static Response tagged(Response.ResponseBuilder response, ModelTag model) {
        return response.header(ModelTag.CHECKPOINT_HEADER, model.checkpointId())
                .header(ModelTag.RUN_HEADER, model.runHeader())
                .build();
    }
}
