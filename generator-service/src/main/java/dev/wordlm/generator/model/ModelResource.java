package dev.wordlm.generator.model;

import dev.wordlm.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/model}: what this replica serves, and pinning it. */
@Path("/api/model")
@Tag(name = "model")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {
    private final ModelHolder holder;
    private final ModelSwitcher switcher;

    public ModelResource(ModelHolder holder, ModelSwitcher switcher) {
        this.holder = holder;
        this.switcher = switcher;
    }

    @GET
    @Operation(summary = "The served checkpoint, since when, its perplexity, and the selection mode or pin")
    public ModelStatus status() {
        return ModelStatus.of(switcher.policy(), holder.current().orElse(null), switcher.swapCount(),
                switcher.lastRejection().orElse(null), switcher.lastEvent().orElse(null));
    }

    /** Answers once the chosen checkpoint serves (or with the reason it cannot: 404, 422, 502). */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pin a checkpoint ({\"checkpointId\"}) or a run ({\"runId\", \"selection\"}), "
            + "or unpin ({\"selection\": \"newest|best\"})")
    public CompletionStage<ModelStatus> choose(ModelChoice choice) {
        if (choice == null || choice.checkpointId() == null && choice.runId() == null && choice.selection() == null) {
            throw ProblemException.invalid("checkpointId", "give a checkpointId, a runId, or a selection");
        }
        if (choice.checkpointId() != null && (choice.runId() != null || choice.selection() != null)) {
            throw ProblemException.invalid("checkpointId", "a pinned checkpoint takes no runId or selection");
        }
        CompletionStage<?> change;
        if (choice.checkpointId() != null) {
            change = switcher.pinCheckpoint(choice.checkpointId());
        } else if (choice.runId() != null) {
            Selection selection = choice.selection() != null ? choice.selection() : switcher.policy().selection();
            change = switcher.pinRun(choice.runId(), selection);
        } else {
            change = switcher.follow(choice.selection());
        }
        return change.thenApply(ignored -> status());
    }
}
