package dev.wordlm.trainer.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of every error response: the HTTP status, a short title, a sentence for people and, for
 * invalid input, each bad field.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(int status, String title, String detail, List<FieldError> errors) {

    public static ApiError of(int status, String title, String detail) {
        return new ApiError(status, title, detail, List.of());
    }
}
