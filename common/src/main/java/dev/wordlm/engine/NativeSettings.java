package dev.wordlm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The environment variables that decide how fast libtorch runs here and that only work when set before the process
 * starts (glibc and libtorch's OpenMP runtime read them as they load): {@code scripts/native-env.sh} sets them for
 * {@code ./lm}, {@code ./lm up} and {@code bench/run}, and the images set the same values. Every entry point logs them,
 * so a slow run can be told from a misconfigured one.
 */
public final class NativeSettings {
    /**
     * A variable and what it is for; the values chosen and why are in {@code scripts/native-env.sh}. An
     * {@code alternative} set instead counts as set (OMP_WAIT_POLICY decides the spin as well as GOMP_SPINCOUNT).
     */
    record Variable(String name, String purpose, Optional<String> alternative) {
        Variable(String name, String purpose) {
            this(name, purpose, Optional.empty());
        }

        boolean isSet() {
            return System.getenv(name) != null || alternative.map(System::getenv).isPresent();
        }
    }

    static final List<Variable> VARIABLES = List.of(
            new Variable("GOMP_SPINCOUNT", "how long OpenMP threads spin before they sleep: spinning starves a shared CPU",
                    Optional.of("OMP_WAIT_POLICY")),
            new Variable("MALLOC_ARENA_MAX", "glibc: one arena, so freed tensor memory is reused instead of unmapped"),
            new Variable("MALLOC_MMAP_THRESHOLD_", "glibc: large tensors come from the heap, not a fresh mmap each batch"),
            new Variable("MALLOC_TRIM_THRESHOLD_", "glibc: keep freed memory instead of returning it to the kernel"));

    private NativeSettings() {
    }

    /** One line: the engine's threads, the CPUs this process may use, and each variable's value (or "unset"). */
    public static String describe() {
        StringBuilder line = new StringBuilder()
                .append("intra-op threads ").append(Engines.threads()).append(" (").append(Engines.cpus())
                .append(" CPUs available)");
        for (Variable v : VARIABLES) {
            String value = System.getenv(v.name());
            line.append(" | ").append(v.name()).append('=').append(value == null ? "unset" : value);
            v.alternative().filter(a -> System.getenv(a) != null)
                    .ifPresent(a -> line.append(" | ").append(a).append('=').append(System.getenv(a)));
        }
        return line.toString();
    }

    /**
     * A warning when a tensor of {@code bytes} is above glibc's mmap threshold (MALLOC_MMAP_THRESHOLD_, when set):
     * such a tensor is mapped, page-faulted and unmapped afresh every time, which costs a training batch seconds of
     * system time on a large vocabulary. Empty when it fits or the variable is unset (glibc's default then applies).
     */
    public static Optional<String> mmapThresholdWarning(long bytes, String what) {
        String value = System.getenv("MALLOC_MMAP_THRESHOLD_");
        long threshold;
        try {
            threshold = value == null ? Long.MAX_VALUE : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return Optional.of("MALLOC_MMAP_THRESHOLD_=" + value + " is not a number of bytes");
        }
        if (bytes <= threshold) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s take %,d MB, above MALLOC_MMAP_THRESHOLD_ (%,d MB): "
                + "glibc maps and faults them afresh every batch; start with MALLOC_MMAP_THRESHOLD_ of at least %d",
                what, bytes >> 20, threshold >> 20, bytes));
    }

    /** The variables that are not set, each with what it is for: empty when the process was started as it should be. */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (Variable v : VARIABLES) {
            if (!v.isSet()) {
                missing.add(v.name() + " (" + v.purpose() + ")");
            }
        }
        return missing;
    }
}
