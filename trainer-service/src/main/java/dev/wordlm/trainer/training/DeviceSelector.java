package dev.wordlm.trainer.training;

import dev.wordlm.engine.Engines;
import dev.wordlm.trainer.config.DevicePreference;
import dev.wordlm.trainer.config.TrainerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Decides {@code TrainConfig.cuda} for a new run: the request's {@code cuda} when given, else {@code wordlm.device}
 * ({@code auto}: a GPU when PyTorch sees one here).
 */
@ApplicationScoped
public class DeviceSelector {
    private final DevicePreference preference;
    private volatile Boolean gpuVisible;

    public DeviceSelector(TrainerSettings settings) {
        this.preference = settings.device();
    }

    public boolean cudaFor(Boolean requested) {
        if (requested != null) {
            return requested;
        }
        return switch (preference) {
            case CPU -> false;
            case CUDA -> true;
            case AUTO -> gpuVisible();
        };
    }

    /** Why a run asking for {@code cuda} cannot have it on this deployment, if it cannot. */
    public Optional<String> problem(Boolean requested) {
        if (Boolean.TRUE.equals(requested)) {
            if (preference == DevicePreference.CPU) {
                return Optional.of("this trainer is configured for the CPU (wordlm.device=cpu)");
            }
            if (preference == DevicePreference.AUTO && !gpuVisible()) {
                return Optional.of("no CUDA GPU is visible to this trainer");
            }
        }
        return Optional.empty();
    }

    /** Starts the PyTorch engine the first time (a second or two), then remembers the answer. */
    private boolean gpuVisible() {
        Boolean visible = gpuVisible;
        if (visible == null) {
            visible = Engines.gpuAvailable();
            gpuVisible = visible;
        }
        return visible;
    }
}
