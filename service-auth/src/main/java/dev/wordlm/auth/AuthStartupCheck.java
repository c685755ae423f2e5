package dev.wordlm.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says at start-up which roles can sign in (never a token), and warns when one has no token at all. */
@ApplicationScoped
public class AuthStartupCheck {
    private static final Logger LOG = Logger.getLogger(AuthStartupCheck.class);

    void onStart(@Observes StartupEvent event, ConfiguredTokens tokens, AuthConfig config) {
        if (!"permit".equals(config.reads()) && !Roles.USER.equals(config.reads())) {
            throw new IllegalStateException("wordlm.auth.reads must be permit or user, got '" + config.reads() + "'");
        }
        for (String role : new String[] {Roles.ADMIN, Roles.USER}) {
            if (!tokens.configuredRoles().contains(role)) {
                LOG.warnf("no %s token configured (wordlm.auth.%s-tokens): requests that need the %s role are refused",
                        role, role, role);
            }
        }
        LOG.infof("bearer tokens configured for roles %s; reads: %s", tokens.configuredRoles(), config.reads());
    }
}
