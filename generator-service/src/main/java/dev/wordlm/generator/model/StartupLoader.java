package dev.wordlm.generator.model;

import dev.wordlm.generator.config.GeneratorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Serves the trainer's current choice at start-up, without waiting for the next checkpoint event. Runs in the
 * background so the service starts (and reports not-ready) while the trainer is down; asks again with a growing
 * delay until a model is served, which also covers a checkpoint published before this replica joined the topic.
 */
@ApplicationScoped
public class StartupLoader {
    private static final Logger LOG = Logger.getLogger(StartupLoader.class);

    private final ModelSwitcher switcher;
    private final ModelHolder holder;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "startup-loader");
        t.setDaemon(true);
        return t;
    });

    public StartupLoader(ModelSwitcher switcher, ModelHolder holder, GeneratorConfig config) {
        this.switcher = switcher;
        this.holder = holder;
        this.initialDelay = config.model().retryInitial();
        this.maxDelay = config.model().retryMax();
    }

    void onStart(@Observes StartupEvent event) {
        timer.execute(() -> attempt(initialDelay));
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    private void attempt(Duration delay) {
        if (holder.current().isPresent()) {
            return;
        }
        switcher.refresh().whenComplete((served, error) -> {
            if (error == null && served.isPresent()) {
                return;
            }
            if (error != null) {
                LOG.warnf("cannot load a checkpoint yet (next try in %d ms): %s", delay.toMillis(), rootMessage(error));
            } else {
                LOG.infof("the trainer has no checkpoint to serve yet (next try in %d ms)", delay.toMillis());
            }
            Duration next = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
            try {
                timer.schedule(() -> attempt(next), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // shutting down: nothing left to load for
            }
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause instanceof CompletionException) {
            cause = cause.getCause();
        }
        return Optional.ofNullable(cause.getMessage()).orElse(cause.toString());
    }
}
