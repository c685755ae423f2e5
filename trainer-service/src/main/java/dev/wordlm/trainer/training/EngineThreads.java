package dev.wordlm.trainer.training;

import dev.wordlm.engine.Engines;
import dev.wordlm.engine.NativeSettings;
import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sets the engine's intra-op threads before anything starts it (it reads them once): {@code wordlm.trainer.threads},
 * or else the CPUs this process may use divided among the runs it trains at once, so concurrent runs share the
 * cores instead of oversubscribing them. Logs the native settings, and warns about those the process started without
 * (they can only be set before it starts: the image, {@code ./lm up} and {@code scripts/native-env.sh} set them).
 */
@ApplicationScoped
public class EngineThreads {
    private static final Logger LOG = Logger.getLogger(EngineThreads.class);

    void onStart(@Observes StartupEvent event, TrainerSettings settings) {
        int concurrency = Math.max(1, settings.trainer().concurrency());
        int configured = settings.trainer().threads();
        int threads = configured > 0 ? configured : perRun(Engines.cpus(), concurrency);
        Engines.threads(threads);
        LOG.infof("training up to %d run(s) at once, each with %s", concurrency, NativeSettings.describe());
        List<String> missing = NativeSettings.missing();
        if (!missing.isEmpty()) {
            LOG.warnf("started without %s: training runs slower, and much slower on a shared CPU. Start the service "
                    + "with the settings of scripts/native-env.sh (the container image has them).", String.join(", ", missing));
        }
    }

    /** Each run's share of the CPUs, at least one thread. */
    static int perRun(int cpus, int concurrency) {
        return Math.max(1, cpus / concurrency);
    }
}
