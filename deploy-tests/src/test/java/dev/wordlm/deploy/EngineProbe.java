package dev.wordlm.deploy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/** Run in a child JVM by NativesExtractionTest: loads PyTorch as a service image does, and computes. */
public final class EngineProbe {
    private EngineProbe() {
    }

    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager()) {
            float sum = m.create(new float[] {1f, 2f, 3f}).mul(2).sum().getFloat();
            System.out.println("engine=" + engine.getEngineName() + " version=" + engine.getVersion() + " sum=" + sum);
        }
    }
}
