package dev.wordlm.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The recurrent cell, or the Transformer encoder, named as in the reference's {@code --model} flag (parsed without
 * regard to case, so the reference's spelling {@code Transformer} is accepted).
 */
public enum ModelType {
    RNN_TANH,
    RNN_RELU,
    LSTM,
    GRU,
    TRANSFORMER;

    /** The name as the reference's {@code --model} spells it: {@code Transformer}, the others as their names. */
    public String referenceName() {
        return this == TRANSFORMER ? "Transformer" : name();
    }

    /** Whether the model carries a hidden state from one batch (or word) to the next: every type but the Transformer. */
    public boolean isRecurrent() {
        return this != TRANSFORMER;
    }

    /** Parses a {@code --model} value; the message lists the accepted names. */
    public static ModelType parse(String name) {
        if (name != null) {
            String wanted = name.trim().toUpperCase(Locale.ROOT);
            for (ModelType t : values()) {
                if (t.name().equals(wanted)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unknown model type '" + name + "': expected one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /**
     * Gates per hidden unit: the first dimension of a layer's weight is {@code gates() * nhid}. The Transformer has
     * none.
     */
    public int gates() {
        return switch (this) {
            case LSTM -> 4;
            case GRU -> 3;
            case RNN_TANH, RNN_RELU -> 1;
            case TRANSFORMER -> 0;
        };
    }
}
