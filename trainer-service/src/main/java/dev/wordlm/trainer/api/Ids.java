package dev.wordlm.trainer.api;

import dev.wordlm.problem.Echo;
import dev.wordlm.problem.ProblemException;
import java.util.Optional;
import java.util.UUID;

/** Path ids are parsed here, so a malformed id is a 404 like an unknown one, with a problem body. */
public final class Ids {
    private Ids() {
    }

    public static Optional<UUID> parse(String id) {
        if (id == null || id.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static UUID runId(String id) {
        return parse(id).orElseThrow(() -> noRun(id));
    }

    public static ProblemException noRun(Object id) {
        return ProblemException.notFound("no run with id " + Echo.of(String.valueOf(id)));
    }
}
