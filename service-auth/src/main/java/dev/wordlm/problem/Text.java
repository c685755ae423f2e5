package dev.wordlm.problem;

import java.util.Optional;

/**
 * Rules every text value of a request obeys, wherever it comes from (JSON, form field, query): no NUL character
 * (PostgreSQL cannot store it, and no tokenizer wants it) and no unpaired UTF-16 surrogate (it has no UTF-8 form, so
 * it would be stored as '?').
 */
public final class Text {
    private Text() {
    }

    /** What is wrong with {@code s}, if anything. */
    public static Optional<String> problem(CharSequence s) {
        if (s == null) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return Optional.of("must not contain the NUL character (at index " + i + ")");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("contains an unpaired surrogate (at index " + i + "): not valid Unicode text");
            }
        }
        return Optional.empty();
    }
}
