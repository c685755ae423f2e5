package dev.wordlm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's default thread count follows the CPUs this process may use, not the machine's cores. */
class EnginesTest {

    /** Started in a child JVM: prints the CPUs it may use and the engine's default intra-op threads. */
    public static void main(String[] args) {
        System.out.println("cpus=" + Engines.cpus() + " threads=" + Engines.threads());
    }

    @Test
    void aProcessPinnedToOneCpuDefaultsToOneThread() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "needs a machine with two CPUs or more");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")), "needs taskset (util-linux)");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of("/usr/bin/taskset", "-c", "0", java, "-cp",
                System.getProperty("java.class.path"), EnginesTest.class.getName())).redirectErrorStream(true);
        pb.environment().put("DJL_OFFLINE", "true");
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        // PyTorch alone would take every core of the machine here (its OpenMP counts the node's cores).
        assertTrue(out.contains("cpus=1 threads=1"), out);
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
