package dev.wordlm.generator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which published checkpoint replaces the served one: the rules behind every swap. */
class ServingPolicyTest {
    private static final UUID RUN = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CheckpointRef checkpoint(UUID run, int secondsAfterT0, double perplexity) {
        return new CheckpointRef(UUID.randomUUID(), run, 1, perplexity, "ab".repeat(32), 10, null,
                T0.plusSeconds(secondsAfterT0));
    }

    @Test
    void anythingBeatsNothingButTheServedCheckpointNeverReplacesItself() {
        CheckpointRef c = checkpoint(RUN, 0, 100);
        assertTrue(ServingPolicy.follow(Selection.NEWEST).accepts(c, null));
        assertTrue(ServingPolicy.follow(Selection.BEST).accepts(c, null));
        assertFalse(ServingPolicy.follow(Selection.NEWEST).accepts(c, c));
    }

    @Test
    void newestTakesLaterCheckpointsWhateverTheirPerplexity() {
        ServingPolicy newest = ServingPolicy.follow(Selection.NEWEST);
        CheckpointRef current = checkpoint(RUN, 10, 100);
        assertTrue(newest.accepts(checkpoint(RUN, 20, 500), current));
        assertFalse(newest.accepts(checkpoint(RUN, 5, 50), current), "a late event for an older checkpoint");
        assertTrue(newest.accepts(new CheckpointRef(UUID.randomUUID(), RUN, 2, 1, "cd".repeat(32), 1, null, null), current),
                "without a timestamp the event that arrives later wins");
    }

    @Test
    void bestTakesOnlyLowerPerplexityAndNeverNaN() {
        ServingPolicy best = ServingPolicy.follow(Selection.BEST);
        CheckpointRef current = checkpoint(RUN, 10, 100);
        assertTrue(best.accepts(checkpoint(UUID.randomUUID(), 0, 99), current));
        assertFalse(best.accepts(checkpoint(RUN, 20, 100), current));
        assertFalse(best.accepts(checkpoint(RUN, 20, Double.NaN), current));
        assertTrue(best.accepts(checkpoint(RUN, 20, 500), checkpoint(RUN, 0, Double.NaN)));
    }

    @Test
    void aPinnedCheckpointIgnoresEveryOther() {
        CheckpointRef pinned = checkpoint(RUN, 0, 100);
        ServingPolicy pin = new ServingPolicy(Selection.NEWEST, pinned.checkpointId(), null);
        assertTrue(pin.accepts(pinned, checkpoint(RUN, 50, 1)));
        assertTrue(pin.accepts(pinned, null), "served when nothing is");
        assertFalse(pin.accepts(checkpoint(RUN, 100, 1), pinned));
        assertFalse(pin.accepts(checkpoint(RUN, 100, 1), null), "not even when nothing is served");
    }

    @Test
    void aPinnedRunTakesOnlyItsOwnCheckpointsUnderTheSelection() {
        UUID other = UUID.randomUUID();
        ServingPolicy pin = new ServingPolicy(Selection.BEST, null, RUN);
        CheckpointRef servedFromOtherRun = checkpoint(other, 0, 1);
        assertTrue(pin.accepts(checkpoint(RUN, 10, 300), servedFromOtherRun), "the run's first checkpoint replaces it");
        assertTrue(pin.accepts(checkpoint(RUN, 10, 300), null), "and is served when nothing is");
        assertFalse(pin.accepts(checkpoint(other, 10, 1), null));
        CheckpointRef current = checkpoint(RUN, 10, 200);
        assertFalse(pin.accepts(checkpoint(other, 20, 1), current));
        assertFalse(pin.accepts(checkpoint(RUN, 20, 250), current));
        assertTrue(pin.accepts(checkpoint(RUN, 20, 150), current));
    }

    @Test
    void selectionsParseFromConfigurationAndJson() {
        assertEquals(Selection.BEST, Selection.parse(" Best "));
        assertEquals("newest", Selection.NEWEST.value());
        assertThrows(IllegalArgumentException.class, () -> Selection.parse("worst"));
        assertThrows(IllegalArgumentException.class, () -> new ServingPolicy(Selection.NEWEST, UUID.randomUUID(), RUN));
        assertThrows(IllegalArgumentException.class,
                () -> new CheckpointRef(UUID.randomUUID(), RUN, 1, 1, "not-hex", 1, null, T0));
    }
}
