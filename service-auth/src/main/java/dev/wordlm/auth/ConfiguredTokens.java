package dev.wordlm.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a bearer token against the configured ones. Only digests are kept and compared, with
 * {@link MessageDigest#isEqual} against every configured token whatever matched: the time taken does not depend on how
 * much of a token is right, nor on which one matched. The identity is named after its role, never after the token, so
 * nothing downstream (logs, principals) can show a token.
 */
@ApplicationScoped
public class ConfiguredTokens implements IdentityProvider<TokenAuthenticationRequest> {

    private record Grant(byte[] digest, String role) {
    }

    private final List<Grant> grants = new ArrayList<>();

    public ConfiguredTokens(AuthConfig config) {
        config.adminTokens().orElse(List.of()).forEach(t -> add(t, Roles.ADMIN));
        config.userTokens().orElse(List.of()).forEach(t -> add(t, Roles.USER));
    }

    private void add(String token, String role) {
        if (!token.isBlank()) {
            grants.add(new Grant(digest(token.trim()), role));
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String role = roleOf(request.getToken().getToken());
        if (role == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown bearer token"));
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(role))
                .addRole(role);
        if (Roles.ADMIN.equals(role)) {
            identity.addRole(Roles.USER);
        }
        return Uni.createFrom().item(identity.build());
    }

    /** The role of a token, or null; admin wins if a token was configured for both. */
    String roleOf(String token) {
        byte[] presented = digest(token == null ? "" : token);
        String role = null;
        for (Grant grant : grants) {
            if (MessageDigest.isEqual(presented, grant.digest()) && (role == null || Roles.ADMIN.equals(grant.role()))) {
                role = grant.role();
            }
        }
        return role;
    }

    /** The roles that have at least one token. */
    public Set<String> configuredRoles() {
        return Set.copyOf(grants.stream().map(Grant::role).toList());
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
