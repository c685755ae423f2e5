package dev.wordlm.generator.model;

import dev.wordlm.generator.config.GeneratorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Serves the trainer's current choice at start-up, without waiting for the next checkpoint event. Runs in the
 * background so the service starts (and reports not-ready) while the trainer is down; asks again with a growing
 * delay until a model is served, which also covers a checkpoint published before this replica joined the topic.
 * The asking again is a Fault Tolerance retry: after {@code wordlm.model.retry-initial}, doubling up to
 * {@code retry-max}, for as long as nothing is served.
 */
@ApplicationScoped
public class StartupLoader {
    private static final Logger LOG = Logger.getLogger(StartupLoader.class);

    private final ModelSwitcher switcher;
    private final ModelHolder holder;
    private final TypedGuard<CompletionStage<Boolean>> untilServed;
    private volatile boolean running = true;

    public StartupLoader(ModelSwitcher switcher, ModelHolder holder, GeneratorConfig config) {
        this.switcher = switcher;
        this.holder = holder;
        this.untilServed = TypedGuard.create(new TypeLiteral<CompletionStage<Boolean>>() {
                })
                .withDescription("start-up load")
                .withRetry()
                    .maxRetries(-1)
                    .maxDuration(0, ChronoUnit.MILLIS) // none: the trainer may be down for long
                    .delay(config.model().retryInitial().toMillis(), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    .whenResult(served -> !Boolean.TRUE.equals(served))
                    .whenException(error -> running)
                    .withExponentialBackoff()
                        .factor(2)
                        .maxDelay(config.model().retryMax().toMillis(), ChronoUnit.MILLIS)
                        .done()
                    .done()
                .build();
    }

    void onStart(@Observes StartupEvent event) {
        untilServed.get(this::attempt);
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
    }

    /** Completes with whether a model is served (one was already, or the trainer had one to offer). */
    private CompletionStage<Boolean> attempt() {
        if (!running || holder.current().isPresent()) {
            return CompletableFuture.completedFuture(true); // shutting down, or nothing left to load
        }
        return switcher.refresh().handle((served, error) -> {
            if (error != null) {
                LOG.warnf("cannot load a checkpoint yet (will try again): %s", rootMessage(error));
                throw error instanceof CompletionException e ? e : new CompletionException(error);
            }
            if (served.isEmpty()) {
                LOG.info("the trainer has no checkpoint to serve yet (will try again)");
            }
            return served.isPresent();
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
