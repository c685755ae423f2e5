package dev.wordlm.trainer.retention;

import dev.wordlm.problem.Echo;
import dev.wordlm.problem.Problem;
import dev.wordlm.problem.ProblemException;
import dev.wordlm.trainer.api.Ids;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A generator's hold on the checkpoint it serves or has pinned ({@link CheckpointHolds}). Open to the {@code user}
 * role, whose token generators have: a hold only keeps a file from retention for a while, it changes nothing else.
 */
@Path("/api/checkpoints/{id}/holds/{holder}")
@Tag(name = "checkpoints")
public class CheckpointHoldResource {
    private static final Pattern HOLDER = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** When the hold lapses unless renewed. */
    public record Hold(UUID checkpointId, String holder, Instant expiresAt) {
    }

    private final CheckpointHolds holds;

    public CheckpointHoldResource(CheckpointHolds holds) {
        this.holds = holds;
    }

    @PUT
    @Produces(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Places or renews a generator's hold on a checkpoint, which retention then keeps",
            description = "The hold lapses after `wordlm.retention.hold-duration` unless renewed. Generators hold the "
                    + "checkpoint they serve and release the one they stop serving.")
    @APIResponse(responseCode = "200", description = "Held until `expiresAt`")
    @APIResponse(responseCode = "404", description = "No such checkpoint",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    public Hold hold(@PathParam("id") String id, @PathParam("holder") String holder) {
        UUID checkpoint = checkpointId(id);
        String who = holder(holder);
        Instant expires = holds.hold(checkpoint, who);
        if (expires == null) {
            throw ProblemException.notFound("no checkpoint with id " + checkpoint);
        }
        return new Hold(checkpoint, who, expires);
    }

    @DELETE
    @Transactional
    @Operation(summary = "Releases a generator's hold on a checkpoint (nothing if it has none)")
    @APIResponse(responseCode = "204", description = "Not held by this holder any more")
    public void release(@PathParam("id") String id, @PathParam("holder") String holder) {
        holds.release(checkpointId(id), holder(holder));
    }

    private static UUID checkpointId(String id) {
        return Ids.parse(id).orElseThrow(() -> ProblemException.invalid("id", "is not a UUID: " + Echo.of(id)));
    }

    private static String holder(String holder) {
        if (holder == null || !HOLDER.matcher(holder).matches()) {
            throw ProblemException.invalid("holder", "must be 1 to 100 letters, digits, '.', '_' or '-', got "
                    + Echo.of(holder));
        }
        return holder;
    }
}
