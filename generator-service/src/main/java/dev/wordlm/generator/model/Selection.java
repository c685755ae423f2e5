package dev.wordlm.generator.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which checkpoint to serve among those the trainer publishes. */
public enum Selection {
    /** The most recently created checkpoint, whatever its run. */
    NEWEST,
    /** The lowest validation perplexity. Only comparable between runs on the same dataset. */
    BEST;

    /** Whether {@code candidate} should replace {@code current} under this selection. */
    public boolean prefers(CheckpointRef candidate, CheckpointRef current) {
        return switch (this) {
            // A missing timestamp cannot be ordered: the event that arrives later is taken as newer.
            case NEWEST -> candidate.createdAt() == null || current.createdAt() == null
                    || candidate.createdAt().isAfter(current.createdAt());
            // NaN (no validation yet) never wins against a number, and a number always beats NaN.
            case BEST -> !Double.isNaN(candidate.validPerplexity())
                    && (Double.isNaN(current.validPerplexity()) || candidate.validPerplexity() < current.validPerplexity());
        };
    }

    /** The value used in configuration, JSON and the trainer's query string. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Selection parse(String value) {
        for (Selection s : values()) {
            if (s.value().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("selection must be 'newest' or 'best', got '" + value + "'");
    }
}
