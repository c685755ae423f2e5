package dev.wordlm.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The recurrent cell, named as in the reference's {@code --model} flag. */
public enum ModelType {
    RNN_TANH,
    RNN_RELU,
    LSTM,
    GRU;

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

    /** Gates per hidden unit: the first dimension of a layer's weight is {@code gates() * nhid}. */
    public int gates() {
        return switch (this) {
            case LSTM -> 4;
            case GRU -> 3;
            case RNN_TANH, RNN_RELU -> 1;
        };
    }
}
