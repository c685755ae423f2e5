package dev.wordlm.trainer.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.wordlm.auth.BearerTokenMechanism;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into a JSON {@link ApiError}: bad input is a 400 that names the fields, an unknown id a 404,
 * and an unexpected error a 500 without a stack trace (it goes to the log instead).
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response invalidInput(InvalidInputException e) {
        return respond(new ApiError(400, "Invalid request", e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundProblem e) {
        return respond(ApiError.of(404, "Not Found", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response conflict(ConflictProblem e) {
        return respond(ApiError.of(409, "Conflict", e.getMessage()));
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
        return respond(ApiError.of(403, "Forbidden", "this endpoint needs the admin role"));
    }

    private static Response unauthenticated(String detail) {
        return Response.fromResponse(respond(ApiError.of(401, "Unauthorized", detail)))
                .header("WWW-Authenticate", BearerTokenMechanism.challenge()).build();
    }

    /** JSON that parses but does not fit the request type: a wrong type, an unknown field. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return respond(new ApiError(400, "Invalid request", "the JSON body does not fit the request",
                List.of(fieldErrorOf(e))));
    }

    /** Malformed JSON arrives wrapped in a 400 by Quarkus' Jackson reader; other HTTP errors keep their status. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (e.getCause() instanceof MismatchedInputException mismatch) {
            return mismatchedInput(mismatch);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(new ApiError(400, "Invalid request", "malformed JSON: " + json.getOriginalMessage(),
                    List.of(new FieldError("body", "is not valid JSON"))));
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        String detail = status >= 500 ? "the request could not be handled" : e.getMessage();
        return respond(ApiError.of(status, title, detail));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unhandled error", e);
        return respond(ApiError.of(500, "Internal Server Error", "the request could not be handled; see the service log"));
    }

    static FieldError fieldErrorOf(MismatchedInputException e) {
        String field = pathOf(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            return new FieldError(field, "unknown field; known fields: " + known(u.getKnownPropertyIds()));
        }
        if (e instanceof InvalidFormatException f) {
            return new FieldError(field, "must be " + describe(f.getTargetType()) + ", got " + quote(f.getValue()));
        }
        if (field.isEmpty()) {
            return new FieldError("body", "must be a JSON object");
        }
        return new FieldError(field, "must be " + describe(e.getTargetType()));
    }

    private static String pathOf(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String known(Collection<Object> ids) {
        return ids == null ? "" : ids.stream().map(Objects::toString).collect(Collectors.toCollection(TreeSet::new))
                .stream().collect(Collectors.joining(", "));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a JSON " + (type.isRecord() || !type.getName().startsWith("java.") ? "object" : type.getSimpleName());
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static Response respond(ApiError error) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
