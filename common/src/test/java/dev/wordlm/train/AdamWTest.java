package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AdamW's update against {@code torch.optim.AdamW}'s formula, computed here in double precision. */
class AdamWTest {
    private static final float[] START = {0.5f, -1.25f, 2.0f, 1.0f, -0.3f, 3.5f};
    private static final float[][] GRADS = {
            {0.1f, -0.2f, 0.3f, 0.0f, 1.5f, -0.05f},
            {-0.4f, 0.1f, 0.3f, 0.0f, 1.0f, 0.02f},
            {0.25f, 0.25f, -0.6f, 0.0f, -2.0f, 0.0f},
    };
    private static final double LR = 0.05;

    /**
     * PyTorch's single-tensor AdamW: {@code param.mul_(1 - lr * wd)}, {@code exp_avg.lerp_(grad, 1 - beta1)},
     * {@code exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)}, {@code step_size = lr / (1 - beta1^t)},
     * {@code denom = sqrt(exp_avg_sq) / sqrt(1 - beta2^t) + eps}, {@code param.addcdiv_(exp_avg, denom, -step_size)}.
     */
    private static double[] byHand(int steps) {
        double[] p = new double[START.length];
        double[] m = new double[START.length];
        double[] v = new double[START.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = START[i];
        }
        for (int t = 1; t <= steps; t++) {
            double stepSize = LR / (1 - Math.pow(0.9, t));
            double bc2Sqrt = Math.sqrt(1 - Math.pow(0.999, t));
            for (int i = 0; i < p.length; i++) {
                double g = GRADS[t - 1][i];
                p[i] *= 1 - LR * 0.01;
                m[i] += (1 - 0.9) * (g - m[i]);
                v[i] = 0.999 * v[i] + (1 - 0.999) * g * g;
                p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / bc2Sqrt + 1e-8);
            }
        }
        return p;
    }

    @Test
    void updateIsPyTorchsAdamWWithDecoupledWeightDecay() {
        Engines.pytorch();
        try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
            NDArray p = root.create(START, new Shape(2, 3));
            AdamW adamw = new AdamW(root, List.of(p));
            for (int t = 1; t <= GRADS.length; t++) {
                try (NDManager step = root.newSubManager()) {
                    adamw.step(List.of(step.create(GRADS[t - 1], new Shape(2, 3))), LR, step);
                }
                double[] expected = byHand(t);
                float[] got = p.toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    // float32 against double: a few ulps of values near 1, far below one step's size (~lr)
                    assertEquals(expected[i], got[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "step " + t + ", element " + i);
                }
            }
            assertEquals(GRADS.length, adamw.steps());
            // element 3 never had a gradient: its moments are zero, so only the weight decay moved it
            assertEquals(START[3] * Math.pow(1 - LR * 0.01, GRADS.length), p.toFloatArray()[3], 1e-6);
        }
    }

    @Test
    void weightDecayIsDecoupledFromTheGradient() {
        Engines.pytorch();
        try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
            NDArray p = root.create(new float[] {2f, -4f});
            AdamW adamw = new AdamW(root, List.of(p));
            try (NDManager step = root.newSubManager()) {
                adamw.step(List.of(step.zeros(new Shape(2))), 0.5, step); // zero gradient: m = v = 0, no Adam step
            }
            // L2 regularisation would have gone through the moments (a step of about lr); decoupled decay is p * (1 - lr wd)
            assertEquals(2 * (1 - 0.5 * 0.01), p.toFloatArray()[0], 1e-7);
            assertEquals(-4 * (1 - 0.5 * 0.01), p.toFloatArray()[1], 1e-7);
        }
    }
}
