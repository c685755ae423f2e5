package dev.wordlm.generator.inference;

import dev.wordlm.generator.model.ModelLease;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An admitted request ({@link InferenceScheduler#admit}): its lease on the served model and its place in the queue,
 * both held until it finishes. Closing it gives back both; closing it again does nothing.
 */
public final class Admission implements AutoCloseable {
    private final ModelLease lease;
    private final Semaphore places;
    private final AtomicBoolean released = new AtomicBoolean();

    Admission(ModelLease lease, Semaphore places) {
        this.lease = lease;
        this.places = places;
    }

    /** The model this request computes with, whatever is swapped in meanwhile. */
    public ModelLease lease() {
        return lease;
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            lease.close();
            places.release();
        }
    }
}
