package dev.wordlm.problem;

/**
 * A client's value as quoted back in an error message: control characters and lone surrogates escaped, and cut to
 * {@link #MAX_CHARS} characters, so that a huge or hostile value never makes a huge or broken error body.
 */
public final class Echo {
    public static final int MAX_CHARS = 40;

    private Echo() {
    }

    /** Text in single quotes; numbers and other values as they print. */
    public static String of(Object value) {
        if (value instanceof CharSequence s) {
            return "'" + escaped(s) + "'";
        }
        return escaped(String.valueOf(value));
    }

    private static String escaped(CharSequence s) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean pairedHigh = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            boolean pairedLow = Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !pairedHigh && !pairedLow) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > n) {
            if (Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                sb.setLength(sb.length() - 1);
            }
            sb.append("… (").append(s.length()).append(" characters)");
        }
        return sb.toString();
    }
}
