package dev.wordlm.problem;

import java.util.List;

/**
 * Recognises a failure of the REST layer while it reads a request: a form or multipart body that is not well formed
 * (a bad escape, a wrong or missing boundary, a truncated part, too many fields) or a Content-Type that does not
 * parse. These fail with general exceptions (an IOException, an IllegalArgumentException), so the place where they
 * were thrown tells them from a bug: the client's mistake, a 400, not a 500.
 */
final class UnreadableBody {
    /** Where the REST layer reads forms, multipart bodies and media types (classes, or packages ending in a dot). */
    private static final List<String> READERS = List.of(
            "org.jboss.resteasy.reactive.server.core.multipart.",
            "org.jboss.resteasy.reactive.server.handlers.FormBodyHandler",
            "org.jboss.resteasy.reactive.common.providers.serialisers.MapAsFormUrlEncodedProvider",
            "org.jboss.resteasy.reactive.server.providers.serialisers.ServerFormUrlEncodedProvider",
            "org.jboss.resteasy.reactive.common.headers.MediaTypeHeaderDelegate");

    private UnreadableBody() {
    }

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!(t instanceof RuntimeException || t instanceof java.io.IOException)) {
                continue;
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                String type = frame.getClassName();
                if (READERS.stream().anyMatch(r -> r.endsWith(".") ? type.startsWith(r) : type.startsWith(r)
                        && (type.length() == r.length() || type.charAt(r.length()) == '$'))) {
                    return true;
                }
                if (frame.getClassName().startsWith("dev.wordlm.")) {
                    return false; // thrown by our code, after the body was read
                }
            }
        }
        return false;
    }
}
