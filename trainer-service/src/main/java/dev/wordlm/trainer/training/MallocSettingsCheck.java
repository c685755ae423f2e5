package dev.wordlm.trainer.training;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Says at start when the process runs without the glibc malloc settings that training wants (they can only be set
 * before the process starts). The image, {@code ./lm up} and {@code scripts/native-env.sh} set them.
 */
@ApplicationScoped
public class MallocSettingsCheck {
    private static final Logger LOG = Logger.getLogger(MallocSettingsCheck.class);

    void onStart(@Observes StartupEvent event) {
        if (System.getenv("MALLOC_ARENA_MAX") == null) {
            LOG.warn("MALLOC_ARENA_MAX is not set: libtorch's per-batch temporaries will be mapped and page-faulted "
                    + "again every batch, and training runs about 20% slower. Start the service with the settings of "
                    + "scripts/native-env.sh (the container image has them).");
        }
    }
}
