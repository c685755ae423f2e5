package dev.wordlm.generator.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.wordlm.auth.BearerTokenMechanism;
import dev.wordlm.generator.inference.OverloadedException;
import dev.wordlm.generator.model.CheckpointNotFoundException;
import dev.wordlm.generator.model.CheckpointRejectedException;
import dev.wordlm.generator.model.NoModelException;
import dev.wordlm.generator.model.TrainerUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure becomes a JSON {@link ApiError} with the right status: 400 for anything wrong with the request, 503
 * with {@code Retry-After} when there is no model or no capacity, and a bare 500 (logged here, never a stack trace in
 * the response) only for bugs.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** Seconds a client should wait before retrying when no model is loaded yet (a load takes about a second). */
    static final String NO_MODEL_RETRY_SECONDS = "5";
    /** Seconds to wait when the queue is full: a short generation finishes well within it. */
    static final String OVERLOADED_RETRY_SECONDS = "1";

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return json(Response.Status.BAD_REQUEST, new ApiError("invalid_request", e.getMessage(), e.fields()));
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
        return json(Response.Status.FORBIDDEN, ApiError.of("forbidden", "this endpoint needs a role the token lacks"));
    }

    private static Response unauthenticated(String message) {
        return Response.fromResponse(json(Response.Status.UNAUTHORIZED, ApiError.of("unauthorized", message)))
                .header("WWW-Authenticate", BearerTokenMechanism.challenge()).build();
    }

    @ServerExceptionMapper
    public Response noModel(NoModelException e) {
        return Response.fromResponse(json(Response.Status.SERVICE_UNAVAILABLE, ApiError.of("no_model", e.getMessage())))
                .header("Retry-After", NO_MODEL_RETRY_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response overloaded(OverloadedException e) {
        return Response.fromResponse(json(Response.Status.SERVICE_UNAVAILABLE, ApiError.of("overloaded", e.getMessage())))
                .header("Retry-After", OVERLOADED_RETRY_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response notFound(CheckpointNotFoundException e) {
        return json(Response.Status.NOT_FOUND, ApiError.of("not_found", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response rejected(CheckpointRejectedException e) {
        return json(422, ApiError.of("checkpoint_rejected", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response trainerUnavailable(TrainerUnavailableException e) {
        return json(Response.Status.BAD_GATEWAY, ApiError.of("trainer_unavailable", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return json(Response.Status.BAD_REQUEST, jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return json(Response.Status.BAD_REQUEST, jsonProblem(e));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (status == 400 && cause instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
        String message = status >= 500 ? "internal error" : Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "HTTP " + status;
        return json(status, ApiError.of(code, message));
    }

    /** Asynchronous endpoints fail with the cause wrapped; answer for the cause. */
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
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", id);
        return json(Response.Status.INTERNAL_SERVER_ERROR, ApiError.of("internal_error", "internal error (logged as " + id + ")"));
    }

    private Response unwrapped(Throwable wrapper) {
        Throwable cause = wrapper.getCause() == null ? wrapper : wrapper.getCause();
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof InvalidRequestException c) {
            return invalid(c);
        } else if (cause instanceof NoModelException c) {
            return noModel(c);
        } else if (cause instanceof OverloadedException c) {
            return overloaded(c);
        } else if (cause instanceof CheckpointNotFoundException c) {
            return notFound(c);
        } else if (cause instanceof CheckpointRejectedException c) {
            return rejected(c);
        } else if (cause instanceof TrainerUnavailableException c) {
            return trainerUnavailable(c);
        } else if (cause instanceof WebApplicationException c) {
            return webApplication(c);
        }
        return unexpected(cause);
    }

    private static ApiError jsonProblem(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", "));
            return new ApiError("invalid_request", "unknown field '" + u.getPropertyName() + "'",
                    Map.of(u.getPropertyName(), "unknown field; expected one of: " + known));
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String problem = e instanceof ValueInstantiationException && e.getCause() != null
                    ? e.getCause().getMessage()
                    : "expected " + describe(m instanceof MismatchedInputException mi ? mi.getTargetType() : null)
                    + (m instanceof InvalidFormatException f ? ", got " + f.getValue() : "");
            return new ApiError("invalid_request", field + ": " + problem, Map.of(field, problem));
        }
        if (e instanceof MismatchedInputException) {
            return ApiError.of("invalid_request", "the body must be a JSON object");
        }
        return ApiError.of("invalid_request", "malformed JSON: " + e.getOriginalMessage());
    }

    /** A type as a client thinks of it (never a Java class name). */
    private static String describe(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT);
        }
        return "an object";
    }

    private static Response json(Response.Status status, ApiError body) {
        return json(status.getStatusCode(), body);
    }

    private static Response json(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
