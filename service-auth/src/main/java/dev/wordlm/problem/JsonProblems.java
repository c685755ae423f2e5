package dev.wordlm.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A JSON body that cannot be read, as the field problem a client understands: the JSON path of the bad value and what
 * it must be, in words of JSON (an integer, a string), never the reading library's own message or class names.
 */
final class JsonProblems {
    static final String BODY = "body";
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);

    private JsonProblems() {
    }

    static FieldProblem of(JsonProcessingException e) {
        if (e instanceof JsonMappingException m) {
            return mapping(m);
        }
        if (e instanceof StreamConstraintsException) {
            return new FieldProblem(BODY, "nests too deeply or holds a value that is too long");
        }
        String message = Objects.toString(e.getOriginalMessage(), "");
        Matcher duplicate = DUPLICATE.matcher(message);
        if (duplicate.lookingAt()) {
            return new FieldProblem(Echo.of(duplicate.group(1)).replace("'", ""), "is given more than once");
        }
        if (e instanceof InputCoercionException c) {
            return new FieldProblem(BODY, "holds " + range(c.getTargetType()));
        }
        return new FieldProblem(BODY, "is not valid JSON" + at(e.getLocation()));
    }

    private static FieldProblem mapping(JsonMappingException e) {
        String field = path(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).collect(Collectors.toCollection(TreeSet::new)).stream()
                    .collect(Collectors.joining(", "));
            return new FieldProblem(field, "unknown field; known fields: " + known);
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return new FieldProblem(field.isEmpty() ? BODY : field, e.getCause().getMessage());
        }
        if (e.getCause() instanceof InputCoercionException c) {
            return new FieldProblem(field.isEmpty() ? BODY : field, "must be " + range(c.getTargetType()));
        }
        if (e.getCause() instanceof StreamConstraintsException) {
            return new FieldProblem(field.isEmpty() ? BODY : field, "is too long");
        }
        if (e instanceof InvalidFormatException f) {
            if (f.getTargetType() == String.class) {
                return new FieldProblem(field, f.getOriginalMessage());
            }
            return new FieldProblem(field, "must be " + describe(f.getTargetType()) + ", got " + Echo.of(f.getValue()));
        }
        String message = Objects.toString(e.getOriginalMessage(), "");
        if (field.isEmpty()) {
            if (message.startsWith("Trailing token")) {
                return new FieldProblem(BODY, "must hold one JSON value and nothing after it");
            }
            if (message.startsWith("No content") || message.contains("end-of-input")) {
                return new FieldProblem(BODY, "is empty or ends early");
            }
            return new FieldProblem(BODY, "must be a JSON object");
        }
        Class<?> target = e instanceof MismatchedInputException mi ? mi.getTargetType() : null;
        return new FieldProblem(field, "must be " + describe(target));
    }

    /** {@code a.b[2].c}: the path of a value in the body. */
    static String path(List<JsonMappingException.Reference> path) {
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

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String range(Class<?> type) {
        if (type == Long.class || type == long.class) {
            return "an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
        }
        if (type == Integer.class || type == int.class) {
            return "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE;
        }
        return "a number within range";
    }

    /** A type as a client thinks of it. */
    static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
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
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()
                    .toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        return "a JSON object";
    }
}
