package dev.wordlm.generator.model;

import dev.wordlm.generation.LanguageModel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's hold on a served model: the model stays usable (its native memory alive) until every lease on it is
 * closed, even after a newer model has replaced it. Close it exactly once; further closes do nothing.
 */
public final class ModelLease implements AutoCloseable {
    private final ServedModel served;
    private final AtomicBoolean released = new AtomicBoolean();

    ModelLease(ServedModel served) {
        this.served = served;
    }

    public CheckpointRef checkpoint() {
        return served.checkpoint();
    }

    public LanguageModel model() {
        return served.model();
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            served.model().release();
        }
    }
}
