package dev.wordlm.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request that cannot be served, for a reason the client can be told: answered with its {@link Problem} by
 * {@link ProblemMappers}. Subclass it for a domain failure with its own status and kind.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String kind;
    private final List<FieldProblem> errors;
    private final Integer retryAfterSeconds;

    public ProblemException(int status, String kind, String detail, List<FieldProblem> errors,
                            Integer retryAfterSeconds, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.kind = kind;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ProblemException(int status, String kind, String detail) {
        this(status, kind, detail, List.of(), null, null);
    }

    /** 400 naming each bad value. */
    public static ProblemException invalid(List<FieldProblem> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " values of the request are invalid";
        return new ProblemException(400, HttpStatus.kind(400), detail, errors, null, null);
    }

    /** 400 naming each bad value, from a map of field to message (its order kept). */
    public static ProblemException invalid(Map<String, String> errorsByField) {
        return invalid(new LinkedHashMap<>(errorsByField).entrySet().stream()
                .map(e -> new FieldProblem(e.getKey(), e.getValue())).toList());
    }

    public static ProblemException invalid(String field, String message) {
        return invalid(List.of(new FieldProblem(field, message)));
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", detail);
    }

    /** 503 with {@code Retry-After}: something the service needs is down or busy, and will be back. */
    public static ProblemException unavailable(String kind, String detail, int retryAfterSeconds, Throwable cause) {
        return new ProblemException(503, kind, detail, List.of(), retryAfterSeconds, cause);
    }

    public int status() {
        return status;
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem problem() {
        return Problem.of(status, kind, getMessage(), errors);
    }
}
