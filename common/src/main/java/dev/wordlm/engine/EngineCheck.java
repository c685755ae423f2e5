package dev.wordlm.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Starts the engine once and prints what it found. Run at image build time it also extracts the natives
 * into {@code DJL_CACHE_DIR}, so a container never unpacks or downloads them at start.
 */
public final class EngineCheck {
    private EngineCheck() {
    }

    public static void main(String[] args) {
        Engine engine = Engines.pytorch();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            float sum = x.sum().getFloat();
            System.out.printf("engine %s %s, GPUs %d, 1+2+3=%s%n", engine.getEngineName(), engine.getVersion(),
                    engine.getGpuCount(), sum);
        }
    }
}
