package dev.wordlm.generator.model;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's hold at the trainer on the checkpoint it serves, so the trainer's retention does not remove a
 * pinned or otherwise older checkpoint that a restart of this replica would have to download again. The served
 * checkpoint is held as it is swapped in, the replaced one released, the hold renewed every
 * {@code wordlm.model.hold-renewal}, and released at shutdown. Holding is best effort, off the switcher's thread:
 * a trainer that cannot be asked costs a log line, never a request or a swap.
 */
@ApplicationScoped
public class CheckpointHoldKeeper {
    private static final Logger LOG = Logger.getLogger(CheckpointHoldKeeper.class);

    private final TrainerClient trainer;
    private final ModelHolder holder;
    private final String name;
    private final ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "checkpoint-holds");
        t.setDaemon(true);
        return t;
    });

    public CheckpointHoldKeeper(TrainerClient trainer, ModelHolder holder,
                                @ConfigProperty(name = "quarkus.uuid") String instance) {
        this.trainer = trainer;
        this.holder = holder;
        this.name = "generator-" + instance;
    }

    /** The holder name this replica uses at the trainer. */
    public String name() {
        return name;
    }

    /** {@code now} is served instead of {@code replaced}: hold the one, release the other. */
    void serving(CheckpointRef now, Optional<CheckpointRef> replaced) {
        submit(() -> {
            hold(now.checkpointId());
            replaced.filter(r -> !r.checkpointId().equals(now.checkpointId()))
                    .ifPresent(r -> call("release", r.checkpointId(), () -> trainer.release(r.checkpointId(), name)));
        });
    }

    @Scheduled(every = "${wordlm.model.hold-renewal}", delayed = "${wordlm.model.hold-renewal}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renew() {
        holder.current().ifPresent(served -> submit(() -> hold(served.checkpoint().checkpointId())));
    }

    void onStop(@Observes ShutdownEvent event) {
        calls.shutdown();
        holder.current().ifPresent(served -> call("release", served.checkpoint().checkpointId(),
                () -> trainer.release(served.checkpoint().checkpointId(), name)));
        try {
            calls.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void hold(UUID checkpointId) {
        call("hold", checkpointId, () -> {
            if (!trainer.hold(checkpointId, name)) {
                LOG.warnf("the trainer no longer has checkpoint %s, which this replica serves", checkpointId);
            }
        });
    }

    private void call(String what, UUID checkpointId, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warnf("could not %s checkpoint %s at the trainer (renewed every wordlm.model.hold-renewal): %s", what,
                    checkpointId, e.getMessage());
        }
    }

    private void submit(Runnable task) {
        try {
            calls.execute(task);
        } catch (RejectedExecutionException stopping) {
            // shutting down: the shutdown releases what is served
        }
    }
}
