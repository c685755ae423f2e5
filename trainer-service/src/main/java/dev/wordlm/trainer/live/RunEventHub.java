package dev.wordlm.trainer.live;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Live events of the runs trained in this process, handed to whoever listens (the SSE streams). Publishing never
 * blocks the training thread and never fails it: a listener that throws is dropped.
 */
@ApplicationScoped
public class RunEventHub {
    private static final Logger LOG = Logger.getLogger(RunEventHub.class);
    private final Map<UUID, Set<Consumer<LiveEvent>>> listeners = new ConcurrentHashMap<>();

    /** Listens to one run's events until the returned handle is closed. */
    public AutoCloseable subscribe(UUID runId, Consumer<LiveEvent> listener) {
        listeners.computeIfAbsent(runId, id -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> unsubscribe(runId, listener);
    }

    public void publish(UUID runId, String name, Object data) {
        Set<Consumer<LiveEvent>> set = listeners.get(runId);
        if (set == null) {
            return;
        }
        LiveEvent event = new LiveEvent(name, data);
        for (Consumer<LiveEvent> l : set) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.debugf("dropping a live-event listener of run %s: %s", runId, e);
                unsubscribe(runId, l);
            }
        }
    }

    private void unsubscribe(UUID runId, Consumer<LiveEvent> listener) {
        listeners.computeIfPresent(runId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }
}
