package dev.wordlm.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine the way this project needs it: offline (natives come from the Maven jars, a
 * missing native is an error at once instead of a download), no usage tracking, a fixed number of threads.
 */
public final class Engines {
    /** System property with the number of intra-op threads; unset = {@link #cpus()}. */
    public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private Engines() {
    }

    /** The PyTorch engine; call before any other DJL use so the properties below take effect. */
    public static Engine pytorch() {
        setDefault("ai.djl.offline", "true");
        setDefault("OPT_OUT_TRACKING", "true");
        setDefault("ai.djl.default_engine", "PyTorch");
        // One inter-op thread: the model's ops run one after another, so more only add contention.
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        // PyTorch's own default is every core of the node, even in a container limited to two of them.
        setDefault(THREADS_PROPERTY, Integer.toString(cpus()));
        return Engine.getEngine("PyTorch");
    }

    /**
     * The CPUs this process may use: the JVM counts its cgroup CPU quota and its affinity mask, where the node's
     * core count (PyTorch's default) would oversubscribe a container or a {@code taskset} share.
     */
    public static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Starts the engine with {@code n} intra-op threads ({@code n <= 0}: {@link #cpus()}). Also changes the count of
     * an engine started earlier in this JVM, for which the property alone would come too late.
     */
    public static Engine threads(int n) {
        int threads = n > 0 ? n : cpus();
        System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        Engine engine = pytorch();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        return engine;
    }

    /** The intra-op thread count of the running engine. */
    public static int threads() {
        pytorch();
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    /** The device to compute on: a GPU when asked for (an error if none is visible), else the CPU. */
    public static Device device(boolean cuda) {
        Engine engine = pytorch();
        if (!cuda) {
            return Device.cpu();
        }
        if (engine.getGpuCount() < 1) {
            throw new IllegalStateException("--cuda was given but no CUDA GPU is visible to PyTorch "
                    + "(is this a CUDA build? run with -Pcuda natives, and check nvidia-smi)");
        }
        return Device.gpu();
    }

    /** True when PyTorch sees at least one CUDA GPU. */
    public static boolean gpuAvailable() {
        return pytorch().getGpuCount() > 0;
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
