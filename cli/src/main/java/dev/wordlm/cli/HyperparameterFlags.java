package dev.wordlm.cli;

import dev.wordlm.options.Hyperparameter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns {@link Hyperparameter}s into picocli options (names, defaults, help, type checks from the one definition)
 * and reads the parsed values back into a builder.
 */
final class HyperparameterFlags {
    private HyperparameterFlags() {
    }

    /** Adds one option per hyperparameter, listed in {@code --help} from {@code firstOrder} on. */
    static <C, B> void addTo(CommandSpec spec, List<Hyperparameter<C, B, ?>> params, int firstOrder) {
        int order = firstOrder;
        for (Hyperparameter<C, B, ?> h : params) {
            spec.addOption(option(h, order++));
        }
    }

    private static <T> OptionSpec option(Hyperparameter<?, ?, T> h, int order) {
        List<String> flags = h.flags();
        OptionSpec.Builder b = OptionSpec.builder(flags.toArray(String[]::new)).order(order);
        if (h.kind().isFlag()) {
            // no picocli default: it would apply "false" as if the flag were given; unset reads as the option's default
            return b.arity("0").type(boolean.class).description(h.help()).build();
        }
        String choices = h.kind().choices().isEmpty() ? "" : "; one of " + String.join(", ", h.kind().choices());
        return b.arity("1").type(h.kind().type())
                .paramLabel(h.kind().isWholeNumber() ? "N" : h.kind().choices().isEmpty() ? "X" : "NAME")
                .converters(text -> {
                    try {
                        return h.kind().parse(text);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.TypeConversionException(e.getMessage());
                    }
                })
                .defaultValue(h.formattedDefault())
                .description(h.help() + choices + " (default: ${DEFAULT-VALUE})")
                .build();
    }

    /** The parsed value of each hyperparameter, set on {@code builder}. */
    static <C, B> B read(CommandSpec spec, List<Hyperparameter<C, B, ?>> params, B builder) {
        for (Hyperparameter<C, B, ?> h : params) {
            Object value = spec.findOption(h.flags().get(0)).getValue();
            if (value != null) {
                h.setRaw(builder, value);
            }
        }
        return builder;
    }
}
