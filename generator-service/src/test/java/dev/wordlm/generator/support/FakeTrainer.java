package dev.wordlm.generator.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.events.CheckpointReady;
import dev.wordlm.model.ModelConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real HTTP server with the trainer's checkpoint API, as agreed with the trainer service, answering only requests
 * with the generator's token ({@link TestTokens#GENERATOR}; others get 401):
 * <ul>
 *   <li>{@code PUT/DELETE /api/checkpoints/{id}/holds/{holder}}: a generator's hold (200 or 404 / 204)</li>
 *   <li>{@code GET /api/checkpoints?selection=newest|best&limit=N[&runId=...]}: a JSON array of records</li>
 *   <li>{@code GET /api/checkpoints/{id}}: one record, 404 if unknown</li>
 *   <li>{@code GET /api/checkpoints/{id}/content}: the file</li>
 * </ul>
 * A record: {@code id, runId, epoch, validPerplexity, sha256, sizeBytes, downloadUrl, createdAt}. One instance per
 * test JVM profile, shared with the tests through {@link #instance()}.
 */
public final class FakeTrainer implements AutoCloseable {
    /** The checkpoint record of the trainer's REST API. */
    public record CheckpointRecord(UUID id, UUID runId, int epoch, double validPerplexity, String sha256, long sizeBytes,
                                   String downloadUrl, Instant createdAt, String status) {
    }

    private record Stored(CheckpointRecord record, byte[] content, ModelConfig model) {
    }

    private static volatile FakeTrainer instance;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fake-trainer");
        t.setDaemon(true);
        return t;
    });
    private final ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private final Map<UUID, Stored> checkpoints = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<UUID> downloaded = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;
    private final Set<UUID> hanging = ConcurrentHashMap.newKeySet();
    private final Map<UUID, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> holds = new ConcurrentHashMap<>();
    private final AtomicInteger unauthorized = new AtomicInteger();

    private FakeTrainer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/checkpoints", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static synchronized FakeTrainer start() {
        if (instance != null) {
            instance.close();
        }
        try {
            instance = new FakeTrainer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return instance;
    }

    public static FakeTrainer instance() {
        if (instance == null) {
            throw new IllegalStateException("no fake trainer: the test profile must declare FakeTrainerResource");
        }
        return instance;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While unavailable every request is answered 503, as a trainer that is starting or overloaded would. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** Every request served, as path and query, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The checkpoints whose files were downloaded, in order (one entry per download). */
    public List<UUID> downloaded() {
        return List.copyOf(downloaded);
    }

    /** Requests refused for want of the generator's token ({@link TestTokens#GENERATOR}). */
    public int unauthorized() {
        return unauthorized.get();
    }

    /** From now on, a lookup of this checkpoint gets no answer (for up to a minute, or until {@link #answer}). */
    public void hangLookups(UUID checkpointId) {
        hanging.add(checkpointId);
    }

    public void answer(UUID checkpointId) {
        hanging.remove(checkpointId);
    }

    /** The holders of a checkpoint's holds ({@code PUT/DELETE /api/checkpoints/{id}/holds/{holder}}). */
    public Set<String> holdersOf(UUID checkpointId) {
        return Set.copyOf(holds.getOrDefault(checkpointId.toString(), Set.of()));
    }

    /** The next {@code times} lookups of this checkpoint are answered 503, as a trainer that is restarting would. */
    public void refuseLookups(UUID checkpointId, int times) {
        refusals.put(checkpointId, new AtomicInteger(times));
    }

    private boolean refused(String id) {
        return refusals.entrySet().stream().anyMatch(e -> e.getKey().toString().equals(id)
                && e.getValue().getAndUpdate(n -> Math.max(0, n - 1)) > 0);
    }

    /** Publishes a checkpoint file; its record announces the file's true sha256 and size. */
    public CheckpointRecord publish(UUID runId, int epoch, double validPerplexity, byte[] content) {
        return store(runId, epoch, validPerplexity, content, content);
    }

    /** Publishes a record announcing {@code announced}, but serves {@code served} (a corrupt or swapped file). */
    public CheckpointRecord publishMismatched(UUID runId, int epoch, double validPerplexity, byte[] announced,
                                              byte[] served) {
        return store(runId, epoch, validPerplexity, announced, served);
    }

    /** Publishes a checkpoint whose record links to {@code downloadUrl} (a misconfigured or compromised trainer). */
    public CheckpointRecord publishLinkedTo(UUID runId, int epoch, double validPerplexity, byte[] content,
                                            String downloadUrl) {
        CheckpointRecord stored = store(runId, epoch, validPerplexity, content, content);
        CheckpointRecord linked = new CheckpointRecord(stored.id(), runId, epoch, validPerplexity, stored.sha256(),
                stored.sizeBytes(), downloadUrl, stored.createdAt(), stored.status());
        checkpoints.put(stored.id(), new Stored(linked, content, checkpoints.get(stored.id()).model()));
        return linked;
    }

    /** Forgets a checkpoint, as when the trainer deletes a run. */
    public void withdraw(UUID checkpointId) {
        checkpoints.remove(checkpointId);
    }

    private CheckpointRecord store(UUID runId, int epoch, double validPerplexity, byte[] announced, byte[] served) {
        UUID id = UUID.randomUUID();
        CheckpointRecord record = new CheckpointRecord(id, runId, epoch, validPerplexity, sha256(announced),
                announced.length, url() + "/api/checkpoints/" + id + "/content", Instant.now(), "READY");
        ModelConfig model = modelOf(announced);
        checkpoints.put(id, new Stored(record, served, model));
        return record;
    }

    /** The architecture in the event; a deliberately corrupt file has none (the trainer would never publish one). */
    private static ModelConfig modelOf(byte[] file) {
        try {
            return Checkpoint.load("announced", file).info().model();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The {@code checkpoints} event the trainer publishes for a record, as JSON. */
    public String eventJson(CheckpointRecord r) {
        return eventJson(CheckpointReady.of(r.runId(), r.id(), r.epoch(), r.validPerplexity(), r.sha256(),
                r.sizeBytes(), r.downloadUrl(), checkpoints.get(r.id()).model(), r.createdAt()));
    }

    /** Any event as JSON, such as one somebody else wrote to the topic. */
    public String eventJson(CheckpointReady event) {
        try {
            return json.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String raw = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestURI().getPath() + (raw == null ? "" : "?" + raw));
            if (!("Bearer " + TestTokens.GENERATOR).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                send(exchange, 401, "application/json", "{\"status\":401}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!available) {
                send(exchange, 503, "application/json", "{\"error\":\"starting\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String[] parts = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
            // "", "api", "checkpoints", [id, ["content"]]
            if (parts.length == 6 && parts[4].equals("holds")) {
                String method = exchange.getRequestMethod();
                if (method.equals("PUT") && find(parts[3]) != null) {
                    holds.computeIfAbsent(parts[3], id -> ConcurrentHashMap.newKeySet()).add(parts[5]);
                    sendJson(exchange, 200, Map.of("checkpointId", parts[3], "holder", parts[5]));
                } else if (method.equals("PUT")) {
                    send(exchange, 404, "application/json", "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
                } else if (method.equals("DELETE")) {
                    holds.getOrDefault(parts[3], ConcurrentHashMap.newKeySet()).remove(parts[5]);
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    send(exchange, 405, "text/plain", new byte[0]);
                }
            } else if (parts.length == 3) {
                sendJson(exchange, 200, list(query(exchange)));
            } else if (parts.length == 4 || parts.length == 5 && parts[4].equals("content")) {
                if (parts.length == 4) {
                    hangWhileAsked(parts[3]);
                    if (refused(parts[3])) {
                        send(exchange, 503, "application/json", "{\"error\":\"restarting\"}".getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                }
                Stored stored = find(parts[3]);
                if (stored == null) {
                    send(exchange, 404, "application/json", "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
                } else if (parts.length == 4) {
                    sendJson(exchange, 200, stored.record());
                } else {
                    downloaded.add(stored.record().id());
                    send(exchange, 200, "application/octet-stream", stored.content());
                }
            } else {
                send(exchange, 404, "text/plain", new byte[0]);
            }
        }
    }

    private void hangWhileAsked(String id) {
        try {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                    .until(() -> hanging.stream().noneMatch(h -> h.toString().equals(id)));
        } catch (ConditionTimeoutException stillHanging) {
            // answers after all: a test that forgot to release it must not hold the server's thread forever
        }
    }

    private List<CheckpointRecord> list(Map<String, String> query) {
        String selection = query.getOrDefault("selection", "newest");
        int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        Comparator<CheckpointRecord> order = "best".equals(selection)
                ? Comparator.comparingDouble(CheckpointRecord::validPerplexity)
                : Comparator.comparing(CheckpointRecord::createdAt).reversed();
        List<CheckpointRecord> records = new ArrayList<>();
        for (Stored s : checkpoints.values()) {
            if (query.get("runId") == null || query.get("runId").equals(String.valueOf(s.record().runId()))) {
                records.add(s.record());
            }
        }
        records.sort(order);
        return records.subList(0, Math.min(limit, records.size()));
    }

    private Stored find(String id) {
        try {
            return checkpoints.get(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
