package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/extract-djl-natives.sh, as the image builds run it, on the project's own DJL jars: the
 * natives it unpacks must be exactly what DJL would extract, and DJL must load them offline from
 * that directory alone, without the native jar and without writing to its cache.
 */
class NativesExtractionTest {
    static final String SCRIPT = "docker/extract-djl-natives.sh";

    static Path jarOf(String resource) throws IOException {
        URL url = Thread.currentThread().getContextClassLoader().getResource(resource);
        assertNotNull(url, resource + " is not on the test classpath");
        JarURLConnection c = (JarURLConnection) url.openConnection();
        try {
            return Path.of(c.getJarFileURL().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    static Path nativeJar() throws IOException {
        return jarOf("native/lib/pytorch.properties");
    }

    static Path jniJar() throws IOException {
        return jarOf("jnilib/pytorch.properties");
    }

    /** The jars laid out as in a Quarkus fast-jar's lib/main (groupId-prefixed names). */
    static Path libDir(Path tmp, Path... jars) throws IOException {
        Path lib = Files.createDirectories(tmp.resolve("lib/main"));
        for (Path jar : jars) {
            Files.copy(jar, lib.resolve("ai.djl.pytorch." + jar.getFileName()));
        }
        return lib;
    }

    static Tools.Result extract(Path lib, String flavor, Path dest) {
        // The JDK's jar tool, as in the Dockerfiles' jdk stage (Debian's openjdk-17-jdk-headless).
        String path = Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH");
        return Tools.run(List.of("sh", SCRIPT, lib.toString(), flavor, dest.toString()), Repo.ROOT,
                Map.of("PATH", path), Duration.ofMinutes(2));
    }

    @Test
    void unpacksWhatDjlWouldAndTheEngineLoadsFromThereOffline(@TempDir Path tmp) throws Exception {
        Path dest = tmp.resolve("natives");
        Tools.Result r = extract(libDir(tmp, nativeJar(), jniJar()), "cpu", dest);
        assertEquals(0, r.exitCode(), r.output());

        Properties props = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("native/lib/pytorch.properties")) {
            props.load(in);
        }
        Set<String> expected = new TreeSet<>(Arrays.asList(props.getProperty("libraries").split(",")));
        expected.add("libdjl_torch.so");
        assertEquals(expected, list(dest));

        // A child JVM with the service images' environment and no native jar on its classpath.
        String nativeJar = nativeJar().toString();
        String classpath = Stream.of(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(e -> !e.equals(nativeJar))
                .collect(Collectors.joining(File.pathSeparator));
        assertFalse(classpath.contains("pytorch-native"), classpath);
        Path cache = tmp.resolve("djl-cache");
        Tools.Result run = Tools.run(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", classpath, EngineProbe.class.getName()),
                tmp,
                Map.of("PYTORCH_LIBRARY_PATH", dest.toString(), "PYTORCH_FLAVOR", "cpu",
                        "DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true", "DJL_CACHE_DIR", cache.toString()),
                Duration.ofMinutes(3));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.stdout().contains("engine=PyTorch version=" + props.getProperty("version").split("-")[0]
                + " sum=12.0"), run.output());
        // Nothing was extracted or downloaded at start: the natives dir is untouched, the cache empty.
        assertEquals(expected, list(dest));
        assertFalse(Files.exists(cache.resolve("pytorch")), "DJL extracted natives into its cache");
    }

    @Test
    void refusesANativeJarOfAnotherFlavor(@TempDir Path tmp) throws Exception {
        Tools.Result r = extract(libDir(tmp, nativeJar(), jniJar()), "cu124", tmp.resolve("natives"));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("is not flavor cu124"), r.output());
        assertFalse(Files.exists(tmp.resolve("natives")));
    }

    @Test
    void refusesAmbiguousOrMissingJars(@TempDir Path tmp) throws Exception {
        Path lib = libDir(tmp, nativeJar(), jniJar());
        Files.copy(nativeJar(), lib.resolve("other.pytorch-native-cpu.jar"));
        Tools.Result two = extract(lib, "cpu", tmp.resolve("a"));
        assertNotEquals(0, two.exitCode());
        assertTrue(two.output().contains("expected exactly one"), two.output());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Tools.Result none = extract(empty, "cpu", tmp.resolve("b"));
        assertNotEquals(0, none.exitCode());
        assertTrue(none.output().contains("expected exactly one"), none.output());
    }

    private static Set<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
