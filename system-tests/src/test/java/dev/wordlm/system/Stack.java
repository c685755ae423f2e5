package dev.wordlm.system;

import static org.awaitility.Awaitility.await;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as separate processes, as an operator runs it: a Kafka broker started by {@code scripts/kafka}
 * (KRaft, from the Maven jars), the local PostgreSQL, and both packaged Quarkus apps ({@code java -jar}).
 * Ports are free ones picked when the tests start, so a developer's {@code ./lm up}, another checkout's tests or any
 * other server on the machine do not collide with them.
 */
final class Stack implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private static final int[] PORTS = freePorts(5);
    static final int TRAINER_PORT = PORTS[0];
    static final int GENERATOR_PORT = PORTS[1];
    static final int KAFKA_PORT = PORTS[2];
    static final int KAFKA_CONTROLLER_PORT = PORTS[3];
    /** The port of a private PostgreSQL, for a test that stops its database. */
    static final int PRIVATE_PG_PORT = PORTS[4];
    static final String DATABASE = "wordlm_system_test";

    /** Fresh tokens per run, as {@code ./lm up} makes them; the tests act as the admin. */
    static final String ADMIN_TOKEN = "system-admin-" + java.util.UUID.randomUUID();
    static final String USER_TOKEN = "system-user-" + java.util.UUID.randomUUID();

    final Path root = Path.of(System.getProperty("wordlm.root", "..")).toAbsolutePath().normalize();
    final Path work = root.resolve("system-tests/target/stack");
    private Process trainer;
    private Process generator;
    private int trainerStarts;
    private boolean postgresStarted;
    /** Where PostgreSQL runs: PGHOST/PGPORT (what {@code scripts/postgres ensure} set up, as for the other tests). */
    private final String pgHost = env("PGHOST", "127.0.0.1");
    private final int pgPort;
    /** The data of a private embedded server this stack may stop and start; null: the shared one, never stopped. */
    private final Path privatePgData;

    Stack() {
        this.pgPort = Integer.parseInt(env("PGPORT", "5432"));
        this.privatePgData = null;
    }

    private Stack(int port, Path data) {
        this.pgPort = port;
        this.privatePgData = data;
    }

    /** A stack with its own embedded PostgreSQL on a free port, which {@link #stopPostgres} may stop. */
    static Stack withPrivatePostgres() {
        return new Stack(PRIVATE_PG_PORT, Path.of(System.getProperty("wordlm.root", "..")).toAbsolutePath().normalize()
                .resolve("system-tests/target/pg-private"));
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + DATABASE;
    }

    void stopPostgres() throws Exception {
        if (privatePgData == null) {
            throw new IllegalStateException("the shared PostgreSQL is never stopped by a test");
        }
        script("scripts/postgres", "stop");
    }

    void startPostgres() throws Exception {
        script("scripts/postgres", "ensure");
    }

    void start() throws Exception {
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("checkpoints"));
        Files.createDirectories(work.resolve("model-cache"));
        postgresStarted = privatePgData != null || !answers(pgHost, pgPort);
        script("scripts/postgres", "ensure");
        resetDatabase();
        script("scripts/kafka", "reset");
        startKafka();
        startTrainer();
        generator = launch("generator-service", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(GENERATOR_PORT),
                "WORDLM_TRAINER_URL", "http://127.0.0.1:" + TRAINER_PORT,
                "WORDLM_CONSOLE_TRAINER_URL", "http://127.0.0.1:" + TRAINER_PORT,
                "WORDLM_MODEL_CACHE_DIR", work.resolve("model-cache").toString()), "generator.log");
        waitForPort(GENERATOR_PORT, Duration.ofSeconds(120), generator, "generator.log");
    }

    void startKafka() throws Exception {
        script("scripts/kafka", "start");
    }

    void stopKafka() throws Exception {
        script("scripts/kafka", "stop");
    }

    void startTrainer() throws Exception {
        trainerStarts++;
        trainer = launch("trainer-service", Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(TRAINER_PORT),
                "QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(),
                "WORDLM_DATA_ROOT", work.resolve("data").toString(),
                "WORDLM_CHECKPOINT_DIR", work.resolve("checkpoints").toString(),
                "WORDLM_PUBLIC_URL", "http://127.0.0.1:" + TRAINER_PORT,
                "WORDLM_CONSOLE_GENERATOR_URL", "http://127.0.0.1:" + GENERATOR_PORT), "trainer-" + trainerStarts + ".log");
        waitForPort(TRAINER_PORT, Duration.ofSeconds(120), trainer, "trainer-" + trainerStarts + ".log");
    }

    /** The trainer's resident memory in bytes, as the kernel counts it. */
    long trainerRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + trainer.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for the trainer");
    }

    /** Kills the trainer as a crash would: no shutdown hooks, no goodbye to Kafka or the database. */
    void killTrainer() throws InterruptedException {
        trainer.destroyForcibly();
        trainer.waitFor(30, TimeUnit.SECONDS);
    }

    private Process launch(String service, Map<String, String> env, String log) throws IOException {
        Path jar = root.resolve(service + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw -B verify builds them)");
        }
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx1g", "-Dai.djl.pytorch.num_threads=1", "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve(log).toFile());
        pb.environment().putAll(env);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + KAFKA_PORT);
        pb.environment().put("WORDLM_AUTH_ADMIN_TOKENS", ADMIN_TOKEN);
        pb.environment().put("WORDLM_AUTH_USER_TOKENS", USER_TOKEN);
        pb.environment().put("WORDLM_TRAINER_TOKEN", USER_TOKEN);
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().putIfAbsent("DJL_CACHE_DIR", root.resolve(".cache/djl").toString());
        return pb.start();
    }

    private void script(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve(script).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("scripts.log").toFile()));
        pb.environment().put("KAFKA_PORT", Integer.toString(KAFKA_PORT));
        pb.environment().put("KAFKA_CONTROLLER_PORT", Integer.toString(KAFKA_CONTROLLER_PORT));
        pb.environment().put("KAFKA_STATE_DIR", work.resolve("kafka").toString());
        // where no PostgreSQL answers, scripts/postgres starts an embedded one with throw-away data
        pb.environment().putIfAbsent("PG_DATA_DIR", root.resolve(".cache/postgres-test").toString());
        if (privatePgData != null) {
            pb.environment().put("PGHOST", pgHost);
            pb.environment().put("PGPORT", Integer.toString(pgPort));
            pb.environment().put("PG_DATA_DIR", privatePgData.toString());
        }
        pb.environment().putIfAbsent("PG_FAST", "1");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(script + " " + String.join(" ", args) + " failed; see " + work.resolve("scripts.log"));
        }
    }

    private void resetDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "wordlm", "wordlm");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    private void waitForPort(int port, Duration timeout, Process process, String log) throws Exception {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) { // out of the wait at once
                    throw new IllegalStateException("process exited with " + process.exitValue() + "; see "
                            + work.resolve(log) + "\n" + tail(work.resolve(log)));
                }
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("port " + port + " did not open in " + timeout + "; see "
                    + work.resolve(log), e);
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Distinct ports nothing listens on now: all bound at once, then released for the processes to take. */
    private static int[] freePorts(int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("no free ports on the loopback address", e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // released either way
                    }
                }
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** As a test class's {@code @RegisterExtension static} field: started before its tests, closed after them. */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        for (Process p : new Process[] {generator, trainer}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        script("scripts/kafka", "stop");
        if (postgresStarted) {
            script("scripts/postgres", "stop");
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
