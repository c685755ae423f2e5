package dev.wordlm.options;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.function.Function;

/**
 * The type of a {@link Hyperparameter}'s values and how they are spelled: in a flag or form field (text), in JSON
 * (checkpoint headers), and in an OpenAPI schema.
 *
 * @param type      the boxed Java type
 * @param schemaType the OpenAPI type: {@code integer}, {@code number}, {@code boolean} or {@code string}
 * @param choices   the accepted names for an enumeration; empty otherwise
 */
public record ValueKind<T>(Class<T> type, String schemaType, List<String> choices, Function<String, T> parser,
        Function<T, JsonPrimitive> writer, Function<JsonElement, T> reader) {

    public static final ValueKind<Integer> INT = new ValueKind<>(Integer.class, "integer", List.of(),
            s -> Integer.valueOf(s.trim()), JsonPrimitive::new, JsonElement::getAsInt);
    public static final ValueKind<Long> LONG = new ValueKind<>(Long.class, "integer", List.of(),
            s -> Long.valueOf(s.trim()), JsonPrimitive::new, JsonElement::getAsLong);
    public static final ValueKind<Double> DOUBLE = new ValueKind<>(Double.class, "number", List.of(),
            ValueKind::finite, JsonPrimitive::new, JsonElement::getAsDouble);
    public static final ValueKind<Boolean> BOOLEAN = new ValueKind<>(Boolean.class, "boolean", List.of(),
            ValueKind::bool, JsonPrimitive::new, JsonElement::getAsBoolean);

    /** An enumeration, written by name; {@code parser} gives the error message for an unknown name. */
    public static <E extends Enum<E>> ValueKind<E> choice(Class<E> type, Function<String, E> parser) {
        List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        return new ValueKind<>(type, "string", names, parser, e -> new JsonPrimitive(e.name()),
                j -> parser.apply(j.getAsString()));
    }

    public boolean isFlag() {
        return type == Boolean.class;
    }

    public boolean isWholeNumber() {
        return type == Integer.class || type == Long.class;
    }

    /**
     * The value of a field as a client sent it: already of this type (JSON bound to a typed field), a number of
     * another width, or text.
     *
     * @throws IllegalArgumentException with a message for the user (no class names)
     */
    public T coerce(Object raw) {
        if (type.isInstance(raw)) {
            return type.cast(raw);
        }
        if (raw instanceof Number n && type == Double.class) {
            return type.cast(n.doubleValue());
        }
        if (raw instanceof Number n && isWholeNumber() && n.doubleValue() == Math.rint(n.doubleValue())) {
            return parse(Long.toString(n.longValue()));
        }
        return parse(String.valueOf(raw));
    }

    /** Parses text; the exception's message says what was expected. */
    public T parse(String text) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + (isWholeNumber() ? "an integer" : "a number") + ", got '"
                    + text + "'");
        }
    }

    public String format(T value) {
        return value instanceof Enum<?> e ? e.name() : String.valueOf(value);
    }

    private static Double finite(String s) {
        double v = Double.parseDouble(s.trim());
        if (!Double.isFinite(v)) {
            throw new NumberFormatException(s);
        }
        return v;
    }

    private static Boolean bool(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false, got '" + s + "'");
        };
    }
}
