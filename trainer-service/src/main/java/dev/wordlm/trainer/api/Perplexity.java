package dev.wordlm.trainer.api;

/** {@code exp(loss)}, or null when unknown or not finite (JSON has no NaN or Infinity). */
public final class Perplexity {
    private Perplexity() {
    }

    public static Double of(Double loss) {
        if (loss == null) {
            return null;
        }
        double p = Math.exp(loss);
        return Double.isFinite(p) ? p : null;
    }

    /** The value itself, or null when not finite. */
    public static Double finite(Double value) {
        return value == null || !Double.isFinite(value) ? null : value;
    }
}
