package dev.wordlm.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient recording on the PyTorch engine, used directly. DJL's {@code GradientCollector} allows one collector
 * per process (a static flag), which would serialise concurrent trainings, and it does not zero gradients.
 * PyTorch's grad mode is per thread, so each training or evaluation thread sets it for itself.
 */
public final class Autograd {
    private Autograd() {
    }

    /** Records operations for back-propagation on this thread (on) or not (off: evaluation, generation). */
    public static void record(boolean on) {
        JniUtils.setGradMode(on);
    }

    /** Back-propagates a scalar loss into the {@code .grad} of every parameter that requires gradients. */
    public static void backward(NDArray scalarLoss) {
        try (NDArray seed = scalarLoss.onesLike()) {
            JniUtils.backward((PtNDArray) scalarLoss, (PtNDArray) seed, false, false);
        }
    }

    /** Sets a parameter's gradient to zero in place (PyTorch accumulates gradients across backward passes). */
    public static void zeroGradient(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }
}
