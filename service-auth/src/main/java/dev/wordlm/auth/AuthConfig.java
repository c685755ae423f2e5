package dev.wordlm.auth;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * The {@code wordlm.auth.*} keys: the bearer tokens each role accepts (comma-separated, so a token can be rotated
 * by adding the new one before removing the old). No token configured means nobody has that role: the service fails
 * closed, never open. Which paths need which role is HTTP permission configuration in each service's
 * application.properties.
 */
@ConfigMapping(prefix = "wordlm.auth")
public interface AuthConfig {

    /** Tokens of the {@link Roles#ADMIN} role (env {@code WORDLM_AUTH_ADMIN_TOKENS}). */
    Optional<List<String>> adminTokens();

    /** Tokens of the {@link Roles#USER} role (env {@code WORDLM_AUTH_USER_TOKENS}). */
    Optional<List<String>> userTokens();

    /**
     * Who may read ({@code GET /api/...}): {@code permit} (anyone) or {@code user} (a user or admin token); the HTTP
     * permission for reads takes its policy from here (env {@code WORDLM_AUTH_READS}).
     */
    String reads();
}
