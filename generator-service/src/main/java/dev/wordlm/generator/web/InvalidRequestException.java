package dev.wordlm.generator.web;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request this service will not run, with a message per bad field: answered 400. */
public class InvalidRequestException extends RuntimeException {
    private final Map<String, String> fields;

    public InvalidRequestException(Map<String, String> fields) {
        super(summary(fields));
        this.fields = Map.copyOf(new LinkedHashMap<>(fields));
    }

    public InvalidRequestException(String field, String problem) {
        this(Map.of(field, problem));
    }

    public Map<String, String> fields() {
        return fields;
    }

    private static String summary(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder("invalid request: ");
        fields.forEach((k, v) -> sb.append(sb.length() > 17 ? "; " : "").append(k).append(' ').append(v));
        return sb.toString();
    }
}
