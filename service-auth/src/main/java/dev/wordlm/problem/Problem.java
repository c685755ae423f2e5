package dev.wordlm.problem;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The body of every error response of both services: RFC 9457 problem details ({@code application/problem+json}),
 * with the bad input values listed in {@code errors} (empty when the problem is not about one value).
 *
 * @param type   a URN naming the kind of problem ({@code urn:wordlm:problem:invalid-request})
 * @param title  the HTTP reason phrase of the status
 * @param status the HTTP status code
 * @param detail what happened, for people
 * @param errors each bad value, by field
 */
@JsonPropertyOrder({"type", "title", "status", "detail", "errors"})
public record Problem(String type, String title, int status, String detail, List<FieldProblem> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:wordlm:problem:";

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static Problem of(int status, String kind, String detail, List<FieldProblem> errors) {
        return new Problem(TYPE_PREFIX + kind, HttpStatus.reason(status), status, detail, errors);
    }
}
