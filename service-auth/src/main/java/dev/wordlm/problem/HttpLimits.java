package dev.wordlm.problem;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** The limits {@link RequestLimits} applies to every request, before it reaches an endpoint (README "Limits"). */
@ConfigMapping(prefix = "wordlm.http")
public interface HttpLimits {
    /** The largest request body, except on {@link #uploadPaths()}: JSON and form bodies are small. */
    @WithDefault("64K")
    MemorySize maxBodySize();

    /**
     * Paths whose bodies may be as large as {@code quarkus.http.limits.max-body-size} (file uploads); none by
     * default.
     */
    Optional<List<String>> uploadPaths();

    /** The longest request target (path and query), in characters. */
    @WithDefault("4096")
    int maxUriLength();
}
