package dev.wordlm.options;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One option of a configuration record {@code C} built by {@code B}: its name, type, default, range and help text,
 * written once. The CLI's flags, the REST request and its OpenAPI schema, validation and the checkpoint header are all
 * derived from these.
 *
 * @param name          the camelCase name: JSON field, checkpoint key, the field a problem is reported on
 * @param kind          the value type and its spellings
 * @param defaultValue  the value when none is given
 * @param bounds        the accepted range (numbers)
 * @param help          one line for {@code --help} and the OpenAPI description
 * @param aliases       more flag spellings besides {@code --kebab-case-name} (the reference's {@code --batch_size})
 * @param sameOnResume  whether a resumed run must keep this value (model and optimisation); the epoch limit, device
 *                      and log interval may change
 */
public record Hyperparameter<C, B, T>(String name, ValueKind<T> kind, T defaultValue, Bounds bounds, String help,
        List<String> aliases, boolean sameOnResume, Function<C, T> getter, BiConsumer<B, T> setter) {

    public static <C, B, T> Hyperparameter<C, B, T> of(String name, ValueKind<T> kind, T defaultValue,
            Function<C, T> getter, BiConsumer<B, T> setter, String help) {
        return new Hyperparameter<>(name, kind, defaultValue, Bounds.NONE, help, List.of(), true, getter, setter);
    }

    public Hyperparameter<C, B, T> within(Bounds range) {
        return new Hyperparameter<>(name, kind, defaultValue, range, help, aliases, sameOnResume, getter, setter);
    }

    public Hyperparameter<C, B, T> alsoSpelled(String... flags) {
        return new Hyperparameter<>(name, kind, defaultValue, bounds, help, List.of(flags), sameOnResume, getter, setter);
    }

    public Hyperparameter<C, B, T> mayChangeOnResume() {
        return new Hyperparameter<>(name, kind, defaultValue, bounds, help, aliases, false, getter, setter);
    }

    /** {@code --name} in kebab case ({@code batchSize} is {@code --batch-size}), then the aliases. */
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add("--" + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT));
        flags.addAll(aliases);
        return flags;
    }

    /** The default as a flag or form field spells it. */
    public String formattedDefault() {
        return kind.format(defaultValue);
    }

    public T get(C config) {
        return getter.apply(config);
    }

    public void set(B builder, T value) {
        setter.accept(builder, value);
    }

    public void setDefault(B builder) {
        setter.accept(builder, defaultValue);
    }

    /** Sets a value a client sent (typed or text); the exception's message is for the user. */
    public void setRaw(B builder, Object raw) {
        setter.accept(builder, kind.coerce(raw));
    }

    public void setFromJson(B builder, JsonElement json) {
        setter.accept(builder, kind.reader().apply(json));
    }

    public JsonElement toJson(C config) {
        return kind.writer().apply(get(config));
    }

    /** What is wrong with this option's value in {@code config}, if anything. */
    public Optional<String> problem(C config) {
        T v = get(config);
        if (v == null) { // an enumeration must name a choice; a number left empty means "none" (a seed to draw)
            return kind.choices().isEmpty() ? Optional.empty() : Optional.of("must be one of " + String.join(", ", kind.choices()));
        }
        return bounds.problem(v, kind.isWholeNumber());
    }
}
