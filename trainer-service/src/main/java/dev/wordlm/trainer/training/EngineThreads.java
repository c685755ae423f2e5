package dev.wordlm.trainer.training;

import dev.wordlm.engine.Engines;
import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Applies {@code wordlm.trainer.threads} before anything starts the PyTorch engine (it reads it once, at start). */
@ApplicationScoped
public class EngineThreads {
    void onStart(@Observes StartupEvent event, TrainerSettings settings) {
        Engines.threads(settings.trainer().threads());
    }
}
