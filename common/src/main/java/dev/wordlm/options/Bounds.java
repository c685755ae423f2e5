package dev.wordlm.options;

import java.util.Optional;

/**
 * The accepted range of a numeric {@link Hyperparameter}, and the message that names a value outside it. Either end
 * may be open (excluded) or absent; non-finite numbers are always outside.
 */
public record Bounds(Double min, boolean minExcluded, Double max, boolean maxExcluded, String note, String text) {
    public static final Bounds NONE = new Bounds(null, false, null, false, null, null);

    public static Bounds between(double min, double max) {
        return new Bounds(min, false, max, false, null, null);
    }

    public static Bounds atLeast(double min) {
        return new Bounds(min, false, null, false, null, null);
    }

    public static Bounds positive() {
        return new Bounds(0.0, true, null, false, null, null);
    }

    /** {@code [min, max)}. */
    public static Bounds from(double min, double maxExcluded) {
        return new Bounds(min, false, maxExcluded, true, null, null);
    }

    /** {@code (min, max]}. */
    public static Bounds above(double minExcluded, double max) {
        return new Bounds(minExcluded, true, max, false, null, null);
    }

    /** Adds a remark in parentheses to the generated message. */
    public Bounds withNote(String remark) {
        return new Bounds(min, minExcluded, max, maxExcluded, remark, text);
    }

    /** Words of its own for the message, instead of the generated ones (the reference's wording). */
    public Bounds withText(String words) {
        return new Bounds(min, minExcluded, max, maxExcluded, note, words);
    }

    public boolean contains(double v) {
        return Double.isFinite(v)
                && (min == null || (minExcluded ? v > min : v >= min))
                && (max == null || (maxExcluded ? v < max : v <= max));
    }

    /** The problem with {@code value}, in the words the CLI and the API both use; empty when it is inside. */
    public Optional<String> problem(Object value, boolean wholeNumbers) {
        if (!(value instanceof Number n) || contains(n.doubleValue())) {
            return Optional.empty();
        }
        return Optional.of(describe(wholeNumbers) + ", got " + value);
    }

    /** The range in words, as the problem message starts: {@code must be between 1 and 16}. */
    public String describe(boolean wholeNumbers) {
        if (this.text != null) {
            return this.text;
        }
        String text;
        if (min != null && max != null && !minExcluded && !maxExcluded && wholeNumbers) {
            text = "must be between " + number(min) + " and " + number(max);
        } else if (min != null && max != null) {
            text = "must be in " + (minExcluded ? "(" : "[") + number(min) + ", " + number(max) + (maxExcluded ? ")" : "]");
        } else if (min != null && min == 0 && minExcluded) {
            text = "must be a positive number";
        } else if (min != null) {
            text = wholeNumbers ? "must be at least " + number(min) : "must be a number " + (minExcluded ? "> " : ">= ") + number(min);
        } else if (max != null) {
            text = "must be " + (maxExcluded ? "below " : "at most ") + number(max);
        } else {
            text = "must be a finite number";
        }
        return note == null ? text : text + " (" + note + ")";
    }

    /** A bound as people write it: {@code 8192}, not {@code 8192.0}. */
    public static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
