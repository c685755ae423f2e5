package dev.wordlm.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.wordlm.auth.BearerTokenMechanism;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure of a REST request, in both services, becomes one {@link Problem}: the client's mistakes a 4xx naming
 * the bad values, a lost dependency a 503 with {@code Retry-After}, and anything else a 500 whose details go to the
 * log only. No message comes from a library or framework: each is written here or by the code that refused.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final ProblemResponses responses;

    public ProblemMappers(ProblemResponses responses) {
        this.responses = responses;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return responses.response(e);
    }

    /** No token, where one is needed. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return unauthenticated("this endpoint needs a bearer token (Authorization: Bearer <token>)");
    }

    /** A token that no role has (the token itself is never repeated). */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthenticated("the bearer token is not valid");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return responses.response(Problem.of(403, "forbidden", "this endpoint needs a role the token lacks", List.of()));
    }

    private Response unauthenticated(String detail) {
        return Response.fromResponse(responses.response(Problem.of(401, "unauthorized", detail, List.of())))
                .header("WWW-Authenticate", BearerTokenMechanism.challenge()).build();
    }

    /** A body that is not JSON, or JSON that does not fit the request. */
    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return responses.response(ProblemException.invalid(List.of(JsonProblems.of(e))));
    }

    /** Named apart: the JSON reader's own mapper for these would otherwise be the closer match. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unmappableJson(JsonMappingException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e) {
        return unreadableJson(e);
    }

    /** The HTTP layer's own refusals (no route, wrong method or media type), and bodies it could not read. */
    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String detail = switch (status) {
            case 400 -> "the request cannot be read";
            case 404 -> "there is nothing at this path";
            case 405 -> "this method is not allowed at this path";
            case 406 -> "this endpoint cannot answer in any of the media types the Accept header lists";
            case 413 -> "the request body is too large";
            case 415 -> "this endpoint does not take a body of this Content-Type";
            default -> HttpStatus.reason(status);
        };
        String field = switch (status) {
            case 406 -> "Accept";
            case 413 -> JsonProblems.BODY;
            case 415 -> "Content-Type";
            default -> null;
        };
        Response answer = responses.response(Problem.of(status, HttpStatus.kind(status), detail,
                field == null ? List.of() : List.of(new FieldProblem(field, detail))));
        String allow = e.getResponse() == null ? null : e.getResponse().getHeaderString("Allow");
        return allow == null ? answer : Response.fromResponse(answer).header("Allow", allow).build();
    }

    /** Asynchronous endpoints fail with the cause wrapped: answer for the cause. */
    @ServerExceptionMapper
    public Response completion(CompletionException e) {
        return unwrapped(e);
    }

    @ServerExceptionMapper
    public Response execution(ExecutionException e) {
        return unwrapped(e);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (UnreadableBody.is(e)) {
            LOG.debugf("unreadable request body: %s", e.toString());
            return responses.response(ProblemException.invalid(JsonProblems.BODY,
                    "cannot be read: it is not a well-formed body of its Content-Type"));
        }
        String dependency = LostDependency.of(e).orElse(null);
        if (dependency != null) {
            LOG.warnf("answering 503: the %s is unavailable (%s)", dependency, e.toString());
            return responses.response(ProblemException.unavailable(
                    "dependency-unavailable", "the " + dependency + " is unavailable; retry shortly",
                    LostDependency.RETRY_AFTER_SECONDS, e));
        }
        LOG.error("unhandled error", e);
        return responses.response(Problem.of(500, HttpStatus.kind(500),
                "the request could not be handled; see the service log", List.of()));
    }

    private Response unwrapped(Throwable wrapper) {
        Throwable cause = wrapper;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ProblemException p) {
            return problem(p);
        }
        if (cause instanceof WebApplicationException w) {
            return http(w);
        }
        if (cause instanceof JsonProcessingException j) {
            return unreadableJson(j);
        }
        if (cause instanceof UnauthorizedException u) {
            return unauthorized(u);
        }
        if (cause instanceof ForbiddenException f) {
            return forbidden(f);
        }
        return unexpected(cause);
    }
}
