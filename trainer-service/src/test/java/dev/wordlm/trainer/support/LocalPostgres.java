package dev.wordlm.trainer.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real PostgreSQL the tests use: the server on PGHOST:PGPORT (default 127.0.0.1:5432) when one answers, else the
 * embedded server of {@code scripts/postgres}, started once per test JVM (data under {@code .cache/postgres-test})
 * and stopped when the JVM exits. {@code scripts/test} has usually set one up already; this covers a module's tests
 * run on their own on a machine without a server.
 */
public class LocalPostgres implements QuarkusTestResourceLifecycleManager {
    private static final String HOST = env("PGHOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(env("PGPORT", "5432"));
    private static boolean ensured;

    @Override
    public Map<String, String> start() {
        ensure();
        return Map.of();
    }

    @Override
    public void stop() {
        // the server outlives each test class: the next one reuses it, the JVM's exit stops it
    }

    private static synchronized void ensure() {
        if (ensured || answers()) {
            ensured = true;
            return;
        }
        Path root = Path.of(System.getProperty("wordlm.root", "..")).toAbsolutePath().normalize();
        String dataDir = root.resolve(".cache/postgres-test").toString();
        run(root, dataDir, "ensure");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(root, dataDir, "stop")));
        ensured = true;
    }

    private static void run(Path root, String dataDir, String command) {
        ProcessBuilder pb = new ProcessBuilder(List.of(root.resolve("scripts/postgres").toString(), command))
                .directory(root.toFile()).inheritIO();
        pb.environment().put("PGHOST", HOST);
        pb.environment().put("PGPORT", Integer.toString(PORT));
        pb.environment().put("PG_DATA_DIR", dataDir);
        pb.environment().put("PG_FAST", "1");
        try {
            Process p = pb.start();
            if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("scripts/postgres " + command + " failed (see its output above)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run scripts/postgres " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scripts/postgres " + command, e);
        }
    }

    private static boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
