package dev.wordlm.generator.inference;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** A request's place in the queue, held until it finishes; closing it twice gives back one place. */
public final class Permit implements AutoCloseable {
    private final Semaphore places;
    private final AtomicBoolean released = new AtomicBoolean();

    Permit(Semaphore places) {
        this.places = places;
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            places.release();
        }
    }
}
