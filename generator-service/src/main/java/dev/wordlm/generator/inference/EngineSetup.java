package dev.wordlm.generator.inference;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.wordlm.engine.Engines;
import dev.wordlm.engine.NativeSettings;
import dev.wordlm.generator.config.GeneratorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Starts the PyTorch engine before anything loads a model, so a broken native installation fails the start rather
 * than the first request, and sets the intra-op thread count: with one worker per core running concurrent streams,
 * one thread per op is faster than several threads contending for the same cores.
 */
@ApplicationScoped
public class EngineSetup {
    private static final Logger LOG = Logger.getLogger(EngineSetup.class);

    private final int engineThreads;

    public EngineSetup(GeneratorConfig config) {
        this.engineThreads = config.generation().engineThreads();
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        Engine engine = Engines.threads(engineThreads);
        LOG.infof("%s engine %s ready: %d intra-op threads per step | %s", engine.getEngineName(), engine.getVersion(),
                JniUtils.getNumThreads(), NativeSettings.describe());
    }
}
