package dev.wordlm.generator.model;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model being served, swapped atomically. Requests take a {@link ModelLease}; a swap publishes the new model
 * first and then drops the holder's reference to the old one, whose native memory is freed when its last lease closes.
 */
@ApplicationScoped
public class ModelHolder {
    private final AtomicReference<ServedModel> current = new AtomicReference<>();

    /** What is served now, for reporting; use {@link #acquire()} to compute with it. */
    public Optional<ServedModel> current() {
        return Optional.ofNullable(current.get());
    }

    /** A lease on the model served now; the caller must close it. */
    public ModelLease acquire() {
        while (true) {
            ServedModel served = current.get();
            if (served == null) {
                throw new NoModelException();
            }
            if (served.model().retain()) {
                return new ModelLease(served);
            }
            // Lost a race with a swap that closed this model after we read it: the new one is published already.
        }
    }

    /** Serves {@code next} from now on; returns the model it replaced, if any (already released by the holder). */
    Optional<ServedModel> swap(ServedModel next) {
        ServedModel previous = current.getAndSet(next);
        if (previous != null) {
            previous.model().close();
        }
        return Optional.ofNullable(previous);
    }

    @PreDestroy
    void shutdown() {
        ServedModel last = current.getAndSet(null);
        if (last != null) {
            last.model().close();
        }
    }
}
