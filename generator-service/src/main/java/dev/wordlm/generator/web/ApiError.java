package dev.wordlm.generator.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The body of every error response.
 *
 * @param error   a stable machine-readable code (invalid_request, no_model, overloaded, ...)
 * @param message what went wrong, for people
 * @param fields  per-field problems of a request, when there are any
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(String error, String message, Map<String, String> fields) {
    public static ApiError of(String error, String message) {
        return new ApiError(error, message, Map.of());
    }
}
