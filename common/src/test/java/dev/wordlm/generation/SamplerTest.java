package dev.wordlm.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplerTest {
    /** Draws from the weights a step cell gives for these logits, {@code exp((logit - max) / T)}. */
    static double[] frequencies(Sampler s, float[] logits, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        float[] weights = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            weights[i] = (float) Math.exp((logits[i] - max) / s.temperature());
        }
        double[] f = new double[logits.length];
        for (int i = 0; i < n; i++) {
            f[s.sample(weights)] += 1.0 / n;
        }
        return f;
    }

    @Test
    void drawsInProportionToExpLogitsOverTemperature() {
        float[] logits = {0f, 1f, 2f, -1f};
        for (double t : new double[] {1.0, 0.5, 2.0}) {
            double[] f = frequencies(new Sampler(t, 0, 1.0, 11), logits, 200_000);
            double z = 0;
            for (float l : logits) {
                z += Math.exp(l / t);
            }
            for (int i = 0; i < logits.length; i++) {
                assertEquals(Math.exp(logits[i] / t) / z, f[i], 0.005, "t=" + t + " word " + i);
            }
        }
    }

    @Test
    void topKAndTopPKeepOnlyTheLikelyWords() {
        float[] logits = {3f, 2f, 1f, 0f, -1f};
        double[] k2 = frequencies(new Sampler(1.0, 2, 1.0, 5), logits, 50_000);
        assertEquals(0.0, k2[2] + k2[3] + k2[4], 0.0);
        assertEquals(Math.exp(3) / (Math.exp(3) + Math.exp(2)), k2[0], 0.01);
        // p(word 0) = 0.636: top-p 0.5 keeps only it, top-p 0.9 keeps words 0..2 (0.636 + 0.234 + 0.086 >= 0.9)
        assertEquals(1.0, frequencies(new Sampler(1.0, 0, 0.5, 5), logits, 1000)[0], 1e-9);
        double[] p9 = frequencies(new Sampler(1.0, 0, 0.9, 5), logits, 50_000);
        assertEquals(0.0, p9[3] + p9[4], 0.0);
        assertTrue(p9[2] > 0);
    }

    @Test
    void temperatureBelowTheLimitIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sampler(1e-4, 0, 1, 1));
        assertTrue(e.getMessage().contains("has to be greater or equal 1e-3"));
    }
}
