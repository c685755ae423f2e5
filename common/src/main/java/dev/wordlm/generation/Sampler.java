package dev.wordlm.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws a word id on the host, as {@code generate.py} does with {@code multinomial(exp(log_softmax(logits) /
 * temperature))}, from weights a {@link StepCell} has already raised to {@code 1 / temperature}; optionally restricted
 * to the top k words or to the smallest set whose probability reaches top p. Runs on the host because this engine has
 * no multinomial op, and because the same seed then gives the same words on any device.
 */
public final class Sampler {
    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom random;
    private double[] weights = new double[0];
    private long[] order;

    public Sampler(double temperature, int topK, double topP, long seed) {
        if (!(temperature >= GenerationRequest.MIN_TEMPERATURE)) {
            throw new IllegalArgumentException("temperature has to be greater or equal 1e-3, got " + temperature);
        }
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** A uniform draw in [0, n): the reference's random first input word. */
    public int uniform(int n) {
        return random.nextInt(n);
    }

    /**
     * Samples an index with probability proportional to {@code weights[i]} (already {@code exp(logit / T)}, e.g. a
     * softmax computed on the device), within the top-k / top-p set.
     */
    public int sample(float[] probabilities) {
        int n = probabilities.length;
        if (weights.length != n) {
            weights = new double[n];
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = probabilities[i];
            weights[i] = w;
            sum += w;
        }
        if (topK > 0 && topK < n || topP < 1.0) {
            sum = restrict(n, sum);
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < n; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        // Rounding left a sliver: return the last word with weight.
        for (int i = n - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return n - 1;
    }

    public double temperature() {
        return temperature;
    }

    /** Zeroes the weights outside the top-k / top-p set; returns the new total. */
    private double restrict(int n, double sum) {
        // One primitive sort per word: (float bits of the weight, inverted index) in a long. Weights are >= 0, so
        // their bits sort as the values do; walked from the end, ties come out lowest index first.
        if (order == null || order.length != n) {
            order = new long[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = (long) Float.floatToRawIntBits((float) weights[i]) << 32 | (~i & 0xffffffffL);
        }
        Arrays.sort(order);
        int keep = topK > 0 ? Math.min(topK, n) : n;
        if (topP < 1.0) {
            double acc = 0;
            for (int r = 0; r < keep; r++) {
                acc += weights[rank(r)] / sum;
                if (acc >= topP) {
                    keep = r + 1;
                    break;
                }
            }
        }
        double kept = 0;
        for (int r = 0; r < n; r++) {
            if (r < keep) {
                kept += weights[rank(r)];
            } else {
                weights[rank(r)] = 0;
            }
        }
        return kept;
    }

    /** The index of the word with the r-th largest weight (r = 0: the largest). */
    private int rank(int r) {
        return ~(int) order[order.length - 1 - r];
    }
}
