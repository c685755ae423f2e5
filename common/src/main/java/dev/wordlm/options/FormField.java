package dev.wordlm.options;

import java.util.List;

/**
 * A {@link Hyperparameter} as an HTML form field: the web consoles render their forms from these, so a form's
 * defaults, ranges and help are the CLI's and the API's. The browser does not enforce the range (the forms are sent
 * with {@code novalidate}): the service judges every value and its field errors are shown next to the fields.
 *
 * @param input   {@code number}, {@code checkbox} or {@code select}
 * @param value   the default as the field shows it; empty where there is none (a seed to draw)
 * @param min     the lowest value the range includes, for the number field's spinner; empty where open or none
 * @param step    {@code 1} for whole numbers, {@code any} otherwise
 * @param range   the range in words ({@code must be between 1 and 16}); empty where any number goes
 */
public record FormField(String name, String help, String input, String value, List<String> choices, String min,
                        String max, String step, String range) {

    public static FormField of(Hyperparameter<?, ?, ?> h) {
        Bounds b = h.bounds();
        String input = !h.kind().choices().isEmpty() ? "select" : h.kind().isFlag() ? "checkbox" : "number";
        String value = h.defaultValue() == null ? "" : h.formattedDefault();
        boolean whole = h.kind().isWholeNumber();
        return new FormField(h.name(), h.help(), input, value, h.kind().choices(),
                b.min() == null || b.minExcluded() ? "" : Bounds.number(b.min()),
                b.max() == null || b.maxExcluded() ? "" : Bounds.number(b.max()),
                whole ? "1" : "any", b.equals(Bounds.NONE) ? "" : b.describe(whole));
    }

    public static List<FormField> of(List<? extends Hyperparameter<?, ?, ?>> options) {
        return options.stream().map(FormField::of).toList();
    }

    /** Whether a checkbox starts ticked. */
    public boolean checked() {
        return "true".equals(value);
    }
}
