package dev.wordlm.trainer.api;

import java.util.List;

/** Client input that cannot be used: answered with 400 and the list of bad fields. */
public class InvalidInputException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidInputException(String message, List<FieldError> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    public static InvalidInputException of(String field, String message) {
        return new InvalidInputException("invalid request", List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
