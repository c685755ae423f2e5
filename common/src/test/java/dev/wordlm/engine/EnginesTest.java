package dev.wordlm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's default thread count follows the CPUs this process may use, not the machine's cores. */
class EnginesTest {

    /**
     * Started in a child JVM: prints the CPUs it may use and the engine's default intra-op threads, or with an argument
     * (bytes) the mmap-threshold warning for a tensor of that size.
     */
    public static void main(String[] args) {
        if (args.length == 1) {
            System.out.println(NativeSettings.mmapThresholdWarning(Long.parseLong(args[0]), "a batch's logits").orElse("none"));
        } else {
            System.out.println("cpus=" + Engines.cpus() + " threads=" + Engines.threads());
        }
    }

    private static String child(List<String> prefix, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), EnginesTest.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aProcessPinnedToOneCpuDefaultsToOneThread() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "needs a machine with two CPUs or more");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")), "needs taskset (util-linux)");
        String out = child(List.of("/usr/bin/taskset", "-c", "0"), Map.of());
        // PyTorch alone would take every core of the machine here (its OpenMP counts the node's cores).
        assertTrue(out.contains("cpus=1 threads=1"), out);
    }

    @Test
    void aTensorAboveTheMmapThresholdIsWarnedAbout() throws Exception {
        Map<String, String> env = Map.of("MALLOC_MMAP_THRESHOLD_", "33554432");
        long ptb = 4L * 35 * 20 * 10_000;
        long large = 4L * 35 * 20 * 30_001;
        assertTrue(child(List.of(), env, Long.toString(ptb)).strip().endsWith("none"), "PTB's 28 MB logits fit under 32 MB");
        String warning = child(List.of(), env, Long.toString(large));
        assertTrue(warning.contains("a batch's logits take 80 MB, above MALLOC_MMAP_THRESHOLD_ (32 MB)"), warning);
        assertTrue(warning.contains("at least " + large), warning);
        assertTrue(child(List.of(), Map.of("MALLOC_MMAP_THRESHOLD_", "4294967296"), Long.toString(large)).strip()
                .endsWith("none"), "the default of scripts/native-env.sh covers it");
    }

    @Test
    void anExplicitCountWins() {
        Engines.threads(1);
        assertEquals(1, Engines.threads());
        Engines.threads(2);
        assertEquals(2, Engines.threads());
    }

    @Test
    void theNativeSettingsLineNamesEachVariable() {
        String line = NativeSettings.describe();
        for (NativeSettings.Variable v : NativeSettings.VARIABLES) {
            assertTrue(line.contains(v.name() + "="), line);
        }
        assertTrue(line.startsWith("intra-op threads "), line);
    }
}
