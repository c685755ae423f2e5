package dev.wordlm.generator.scoring;

import dev.wordlm.generation.LanguageModel;
import dev.wordlm.generator.config.GeneratorConfig;
import dev.wordlm.generator.inference.Admission;
import dev.wordlm.generator.inference.InferenceScheduler;
import dev.wordlm.generator.model.ModelLease;
import dev.wordlm.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/score}: the served model's perplexity on a text. Runs on the inference workers and takes a queue
 * place like a generation, since a long text is as much native work as a long generation.
 */
@Path("/api/score")
@Tag(name = "scoring")
public class ScoreResource {
    private final InferenceScheduler scheduler;
    private final int maxChars;

    public ScoreResource(InferenceScheduler scheduler, GeneratorConfig config) {
        this.scheduler = scheduler;
        this.maxChars = config.score().maxChars();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Perplexity of a text under the served model: {\"text\": \"...\"}")
    public CompletionStage<ScoreResponse> scoreJson(ScoreRequest body) {
        return score(body == null ? null : body.text());
    }

    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Perplexity of a plain-text body under the served model")
    public CompletionStage<ScoreResponse> scoreText(String text) {
        return score(text);
    }

    private CompletionStage<ScoreResponse> score(String text) {
        if (text == null || text.isBlank()) {
            throw ProblemException.invalid("text", "is required");
        }
        if (text.length() > maxChars) {
            throw ProblemException.invalid("text", "must be at most " + maxChars + " characters, got " + text.length());
        }
        Admission admission = scheduler.admit();
        return scheduler.submit(admission, lease -> compute(lease, text));
    }

    private static ScoreResponse compute(ModelLease lease, String text) {
        try {
            long start = System.nanoTime();
            LanguageModel.ScoreResult r = lease.model().score(text);
            return new ScoreResponse(r.tokens(), r.unknown(), r.loss(), r.perplexity(), r.columns(),
                    lease.checkpoint().checkpointId(), lease.checkpoint().runId(), (System.nanoTime() - start) / 1e6);
        } catch (IllegalArgumentException e) {
            // Too few tokens, or words the model cannot read (no <unk>): the text's fault.
            throw ProblemException.invalid("text", e.getMessage());
        }
    }
}
