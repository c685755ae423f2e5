package dev.wordlm.options;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Values that clients send, by option name, read into a builder. */
public final class OptionValues {
    private OptionValues() {
    }

    /** The components of a request record by name ({@code null} where left out). */
    public static Map<String, Object> of(Record request) {
        Map<String, Object> values = new HashMap<>();
        for (RecordComponent c : request.getClass().getRecordComponents()) {
            try {
                values.put(c.getName(), c.getAccessor().invoke(request));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of a request", e);
            }
        }
        return values;
    }

    /**
     * Sets each option that {@code values} names (and is not {@code null}) on {@code builder}; a value that cannot be
     * read leaves the builder's value and adds a problem under the option's name.
     */
    public static <C, B> B fill(B builder, List<Hyperparameter<C, B, ?>> options, Map<String, ?> values,
            Map<String, String> problems) {
        for (Hyperparameter<C, B, ?> h : options) {
            Object raw = values.get(h.name());
            if (raw != null) {
                try {
                    h.setRaw(builder, raw);
                } catch (IllegalArgumentException e) {
                    problems.putIfAbsent(h.name(), e.getMessage());
                }
            }
        }
        return builder;
    }
}
