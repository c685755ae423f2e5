package dev.wordlm.problem;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Refuses, before the endpoint reads a byte of the body, what no endpoint could accept: a request target over
 * {@code wordlm.http.max-uri-length} (414), a body announced larger than {@code wordlm.http.max-body-size} outside the
 * upload paths (413, then the connection is closed so the rest is never read), a chunked body outside them (411:
 * its size is known only once read), a body without a Content-Type or
 * with one that does not parse (415), and a multipart body without a boundary (400). Each answer is a
 * {@link Problem}. Outside the upload paths a refused body of at most max-body-size is read and dropped after the
 * answer (so the client, still sending, gets it), beyond that the connection is closed.
 */
@ApplicationScoped
public class RequestLimits {
    /** Before the routes of the REST layer, the health checks and the metrics. */
    private static final int ORDER = -1_000;
    private static final Set<HttpMethod> BODILESS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.DELETE, HttpMethod.TRACE);

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+\\s*(;.*)?", Pattern.DOTALL);
    private static final Pattern BOUNDARY = Pattern.compile(";\\s*boundary=\\S", Pattern.CASE_INSENSITIVE);

    private final HttpLimits limits;
    private final ProblemResponses responses;
    private final List<String> uploadPaths;

    public RequestLimits(HttpLimits limits, ProblemResponses responses) {
        this.limits = limits;
        this.responses = responses;
        this.uploadPaths = limits.uploadPaths().orElse(List.of());
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String uri = request.uri();
        if (uri != null && uri.length() > limits.maxUriLength()) {
            refuse(rc, 414, "uri", "the request target is " + uri.length() + " characters long; at most "
                    + limits.maxUriLength() + " are accepted", true);
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean chunked = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
        long announced = parseLength(length);
        if (announced < 0 && length != null) {
            refuse(rc, 400, "Content-Length", "the Content-Length header is not a byte count", true);
            return;
        }
        boolean upload = uploadPaths.contains(request.path());
        long max = limits.maxBodySize().asLongValue();
        if (!upload && announced > max) {
            refuse(rc, 413, "body", "the request body has " + announced + " bytes; this endpoint takes at most " + max, true);
            return;
        }
        if (!upload && chunked && !BODILESS.contains(request.method())) {
            // A chunked body's size is known only once it is read: outside the upload paths it must be announced.
            refuse(rc, 411, "Content-Length", "a body on this endpoint needs a Content-Length header (at most " + max
                    + " bytes); chunked bodies are taken only by uploads", false);
            return;
        }
        boolean hasBody = announced > 0 || chunked;
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (hasBody && !BODILESS.contains(request.method()) && type == null) {
            // Outside the upload paths a body is at most max-body-size by now: read and dropped, not cut off.
            refuse(rc, 415, "Content-Type", "a request with a body needs a Content-Type header (application/json for JSON)",
                    upload);
            return;
        }
        if (type != null && !MEDIA_TYPE.matcher(type).matches()) {
            refuse(rc, 415, "Content-Type", "the Content-Type header is not a media type (type/subtype)", upload);
            return;
        }
        if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10) && !BOUNDARY.matcher(type).find()) {
            refuse(rc, 400, "Content-Type", "a multipart body needs a boundary parameter in its Content-Type", upload);
            return;
        }
        rc.next();
    }

    private static long parseLength(String length) {
        if (length == null) {
            return 0;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void refuse(RoutingContext rc, int status, String field, String detail, boolean close) {
        String body = responses.json(Problem.of(status, HttpStatus.kind(status), detail,
                List.of(new FieldProblem(field, detail))));
        var response = rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        HttpServerRequest request = rc.request();
        if (close && request.version() != HttpVersion.HTTP_2) {
            // The body (or the rest of it) is never read: the connection cannot carry another request. (An HTTP/2
            // stream ends by itself, and the connection carries others.)
            response.putHeader(HttpHeaders.CONNECTION, "close");
            response.end(body).onComplete(done -> request.connection().close());
        } else if (!request.isEnded() && request.version() != HttpVersion.HTTP_2) {
            // A body no larger than this endpoint takes is read and dropped, so the connection stays usable and, above
            // all, is not closed with unread bytes in it: that resets it, and a client still sending its body loses
            // the answer. One that goes on past the limit is cut off.
            long limit = limits.maxBodySize().asLongValue();
            AtomicLong read = new AtomicLong();
            request.handler(chunk -> {
                if (read.addAndGet(chunk.length()) > limit) {
                    request.connection().close();
                }
            });
            request.resume();
            response.end(body);
        } else {
            response.end(body);
        }
    }
}
