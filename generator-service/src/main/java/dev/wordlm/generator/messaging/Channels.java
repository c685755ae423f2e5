package dev.wordlm.generator.messaging;

/** Reactive Messaging channel names; each is configured under {@code mp.messaging.incoming.<name>.*}. */
public final class Channels {
    /** Checkpoint events from the trainer (topic {@link dev.wordlm.events.Topics#CHECKPOINTS}). */
    public static final String CHECKPOINTS = "checkpoints";

    private Channels() {
    }
}
