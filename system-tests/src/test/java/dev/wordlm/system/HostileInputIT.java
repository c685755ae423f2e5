package dev.wordlm.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile client against the packaged services: requests generated from the list of endpoints and their fields
 * (every field with a wrong type, out of its range, huge, with NUL, badly encoded; every body type malformed), each of
 * which must be refused with a 4xx and a problem body naming the bad field: never a 5xx, never a 2xx.
 */
class HostileInputIT {
    private static final String TRAINER = "http://127.0.0.1:" + Stack.TRAINER_PORT;
    private static final String GENERATOR = "http://127.0.0.1:" + Stack.GENERATOR_PORT;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final Stack stack = new Stack();

    enum Kind { INT, LONG, NUMBER, BOOL, STRING, ENUM, UUID }

    /** A field of a request: its name, type, a valid value (JSON) and values outside its range (JSON). */
    record Field(String name, Kind kind, String valid, List<String> outOfRange) {
    }

    /** Where the fields go: a JSON body, a url-encoded or multipart form, or the query. */
    enum Carrier { JSON, FORM, MULTIPART, QUERY }

    record Endpoint(String method, String url, Carrier carrier, List<Field> fields, Map<String, String> required) {
    }

    record Case(String label, HttpRequest request, String field) {
    }

    record Outcome(Case c, int status, String body, String contentType) {
    }

    private static final String HUGE = "\"" + "x".repeat(60_000) + "\"";

    static List<Endpoint> endpoints() {
        List<Field> run = List.of(
                new Field("name", Kind.STRING, "\"n\"", List.of("\"" + "n".repeat(201) + "\"", HUGE)),
                new Field("dataset", Kind.STRING, "\"sample\"", List.of("\"../../etc\"", "\"no-such\"", "\"\"", HUGE)),
                new Field("model", Kind.ENUM, "\"LSTM\"", List.of("\"lstm\"", "\"transformer\"", "\"CNN\"", "\"LSTM \"")),
                new Field("emsize", Kind.INT, "8", List.of("0", "8193", "-1")),
                new Field("nhid", Kind.INT, "8", List.of("0", "8193")),
                new Field("nlayers", Kind.INT, "1", List.of("0", "17")),
                new Field("lr", Kind.NUMBER, "1", List.of("0", "-1", "1001", "1e308")),
                new Field("clip", Kind.NUMBER, "0.25", List.of("0", "1e300")),
                new Field("epochs", Kind.INT, "1", List.of("0", "10001")),
                new Field("batchSize", Kind.INT, "2", List.of("0", "4097")),
                new Field("bptt", Kind.INT, "5", List.of("0", "4097")),
                new Field("dropout", Kind.NUMBER, "0", List.of("1", "-0.1", "1e308")),
                new Field("decay", Kind.NUMBER, "4", List.of("0.5", "1e308")),
                new Field("tied", Kind.BOOL, "false", List.of()),
                new Field("seed", Kind.LONG, "1", List.of("99999999999999999999")),
                new Field("logInterval", Kind.INT, "10", List.of("0")),
                new Field("cuda", Kind.BOOL, "false", List.of()),
                new Field("dryRun", Kind.BOOL, "false", List.of()),
                new Field("useOptimizer", Kind.BOOL, "false", List.of()));
        List<Field> generation = List.of(
                new Field("prompt", Kind.STRING, "\"the\"", List.of("\"" + "w ".repeat(1001) + "\"", HUGE)),
                new Field("words", Kind.INT, "3", List.of("0", "10001", "-5")),
                new Field("temperature", Kind.NUMBER, "1", List.of("0", "-1", "1e308")),
                new Field("seed", Kind.LONG, "1", List.of("99999999999999999999")),
                new Field("topK", Kind.INT, "2", List.of("-1")),
                new Field("topP", Kind.NUMBER, "0.5", List.of("0", "1.5")));
        List<Field> paging = List.of(
                new Field("status", Kind.ENUM, "\"QUEUED\"", List.of("\"BOGUS\"")),
                new Field("page", Kind.INT, "0", List.of("-1", "2147483647", "1000001")),
                new Field("size", Kind.INT, "20", List.of("0", "201", "2147483648")));
        List<Field> checkpoints = List.of(
                new Field("selection", Kind.ENUM, "\"newest\"", List.of("\"worst\"")),
                new Field("limit", Kind.INT, "1", List.of("0", "201")),
                new Field("runId", Kind.UUID, "\"" + UUID.randomUUID() + "\"", List.of("\"nope\"")));
        List<Field> model = List.of(
                new Field("checkpointId", Kind.UUID, null, List.of("\"not-a-uuid\"")),
                new Field("runId", Kind.UUID, null, List.of("\"1234\"")),
                new Field("selection", Kind.ENUM, null, List.of("\"worst\"")));
        List<Field> score = List.of(new Field("text", Kind.STRING, null, List.of("\"\"", "\" \"")));
        return List.of(
                new Endpoint("POST", TRAINER + "/api/runs", Carrier.JSON, run,
                        Map.of("dataset", "\"sample\"", "epochs", "1", "emsize", "8", "nhid", "8", "nlayers", "1")),
                new Endpoint("GET", TRAINER + "/api/runs", Carrier.QUERY, paging, Map.of()),
                new Endpoint("GET", TRAINER + "/api/checkpoints", Carrier.QUERY, checkpoints, Map.of()),
                new Endpoint("POST", GENERATOR + "/generate", Carrier.JSON, generation, Map.of()),
                new Endpoint("POST", GENERATOR + "/generate", Carrier.FORM, generation, Map.of()),
                new Endpoint("POST", GENERATOR + "/generate", Carrier.MULTIPART, generation, Map.of()),
                new Endpoint("GET", GENERATOR + "/generate/stream", Carrier.QUERY, generation, Map.of()),
                new Endpoint("PUT", GENERATOR + "/api/model", Carrier.JSON, model, Map.of()),
                new Endpoint("POST", GENERATOR + "/api/score", Carrier.JSON, score, Map.of()));
    }

    /** Values of the wrong type for a field of this kind, as JSON. */
    static List<String> wrongTypes(Kind kind) {
        return switch (kind) {
            case INT, LONG -> List.of("\"1\"", "1.5", "true", "[]", "{}", "1e400", "\"\"");
            case NUMBER -> List.of("\"1\"", "true", "[]", "{}", "\"NaN\"", "\"\"");
            case BOOL -> List.of("1", "0", "\"true\"", "\"yes\"", "[]", "{}");
            case STRING -> List.of("5", "true", "[]", "{}", "\"a\\u0000b\"", "\"\\ud800x\"");
            case ENUM, UUID -> List.of("5", "true", "[]", "{}", "\"\\u0000\"", "\"\"", HUGE);
        };
    }

    /** The same bad values as text (forms and queries): only those that stay wrong once they are text. */
    static List<String> wrongTexts(Kind kind) {
        return switch (kind) {
            case INT, LONG -> List.of("1.5", "true", "x", "1e3", "0x10", "\u0000", "1\u00002", "%C3%28");
            case NUMBER -> List.of("true", "x", "NaN", "Infinity", "1e400", "\u0000");
            case BOOL -> List.of("1", "yes");
            case STRING -> List.of("a\u0000b", "x".repeat(60_000));
            case ENUM, UUID -> List.of("x\u0000", "nope");
        };
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            for (Field f : e.fields()) {
                List<String> values = new ArrayList<>(f.outOfRange());
                if (e.carrier() == Carrier.JSON) {
                    values.addAll(wrongTypes(f.kind()));
                    for (String v : values) {
                        Map<String, String> body = new LinkedHashMap<>(e.required());
                        body.put(f.name(), v);
                        cases.add(new Case(e.method() + " " + e.url() + " " + f.name() + "=" + abbreviate(v),
                                json(e.method(), e.url(), object(body)), f.name()));
                    }
                } else {
                    List<String> texts = new ArrayList<>();
                    values.forEach(v -> texts.add(v.startsWith("\"") ? v.substring(1, v.length() - 1) : v));
                    texts.addAll(wrongTexts(f.kind()));
                    for (String t : texts) {
                        cases.add(new Case(e.method() + " " + e.url() + " " + e.carrier() + " " + f.name() + "="
                                + abbreviate(t), textRequest(e, f.name(), t), f.name()));
                    }
                }
            }
            cases.addAll(malformed(e));
        }
        cases.addAll(uploads());
        cases.addAll(imports());
        cases.addAll(paths());
        return cases;
    }

    /** Checkpoint imports that are no checkpoint, and generators' holds on nothing. */
    static List<Case> imports() {
        String u = TRAINER + "/api/checkpoints";
        String octets = "application/octet-stream";
        List<Case> cases = new ArrayList<>();
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("empty", new byte[0]);
        bodies.put("text", "not a checkpoint\n".getBytes(StandardCharsets.UTF_8));
        bodies.put("NUL bytes", new byte[4096]);
        bodies.put("JSON", "{\"format\":1}".getBytes(StandardCharsets.UTF_8));
        bodies.put("magic only", "WORDLM-CKPT\n\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0010{}".getBytes(StandardCharsets.ISO_8859_1));
        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
            cases.add(new Case("POST " + u + " import " + e.getKey(), raw("POST", u, octets, e.getValue()), "body"));
        }
        byte[] junk = "junk".getBytes(StandardCharsets.UTF_8);
        cases.add(new Case("POST " + u + " import as JSON", raw("POST", u, "application/json", junk), null));
        cases.add(new Case("POST " + u + " import without Content-Type", raw("POST", u, null, junk), null));
        cases.add(new Case("POST " + u + " import name with NUL", raw("POST", u + "?name=a%00b", octets, junk), "name"));
        cases.add(new Case("POST " + u + " import long name", raw("POST", u + "?name=" + "n".repeat(201), octets, junk),
                "name"));
        cases.add(new Case("POST " + u + " import unknown parameter", raw("POST", u + "?epochs=3", octets, junk), "epochs"));
        String unknown = u + "/" + UUID.randomUUID() + "/holds/";
        cases.add(new Case("PUT hold on no checkpoint", raw("PUT", unknown + "g1", null, new byte[0]), null));
        cases.add(new Case("PUT hold, bad holder", raw("PUT", unknown + "a*b", null, new byte[0]), "holder"));
        cases.add(new Case("PUT hold, bad id", raw("PUT", u + "/nope/holds/g1", null, new byte[0]), "id"));
        return cases;
    }

    /** Bodies that are not what the endpoint reads, whatever their fields. */
    static List<Case> malformed(Endpoint e) {
        List<Case> cases = new ArrayList<>();
        String u = e.url();
        String m = e.method();
        switch (e.carrier()) {
            case JSON -> {
                String good = object(new LinkedHashMap<>(e.required()));
                for (String b : List.of("{", "[1, 2]", "nul", good + " {}", good + " x", "%%%%", "{\"a\" 1}",
                        "[".repeat(5000), "{\"x\": 1, \"x\": 2}", "\"text\"", "42", "{'a': 1}", "{\"a\": NaN}",
                        "{\"a\": 01}", "\ufeff" + good + "}")) {
                    cases.add(new Case(m + " " + u + " body " + abbreviate(b), json(m, u, b), b.contains("\"x\"") ? "x" : "body"));
                }
                cases.add(new Case(m + " " + u + " invalid UTF-8", raw(m, u, "application/json",
                        new byte[] {'{', '"', 'd', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}), null));
                cases.add(new Case(m + " " + u + " no Content-Type", raw(m, u, null, good.getBytes(StandardCharsets.UTF_8)),
                        "Content-Type"));
                for (String type : List.of("garbage", "text/plain", "application/xml", "application/x-www-form-urlencoded")) {
                    if (u.endsWith("/generate") && type.equals("application/x-www-form-urlencoded")
                            || u.endsWith("/api/score") && type.equals("text/plain")) {
                        continue; // a valid request there: a form post, a text to score
                    }
                    cases.add(new Case(m + " " + u + " Content-Type " + type, raw(m, u, type,
                            good.getBytes(StandardCharsets.UTF_8)), null));
                }
            }
            case FORM -> {
                for (String b : List.of("%%%%", "words=%ZZ", "words=1&words=2", "colour=red", "=&=&=",
                        "words=" + "9".repeat(30), manyFields(3000))) {
                    cases.add(new Case(m + " " + u + " form " + abbreviate(b),
                            raw(m, u, "application/x-www-form-urlencoded", b.getBytes(StandardCharsets.UTF_8)), null));
                }
            }
            case MULTIPART -> cases.addAll(brokenMultipart(m, u, "words"));
            case QUERY -> {
                cases.add(new Case(m + " " + u + " unknown parameter", get(u + "?colour=red"), null));
                cases.add(new Case(m + " " + u + " 9000-character query", get(u + "?"
                        + e.fields().get(0).name() + "=" + "1".repeat(9000)), "uri"));
            }
        }
        return cases;
    }

    static List<Case> brokenMultipart(String m, String u, String field) {
        List<Case> cases = new ArrayList<>();
        String b = "b0undary";
        String good = "--" + b + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n3\r\n--" + b + "--\r\n";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("wrong boundary", good.replace("--" + b, "--other"));
        bodies.put("truncated", good.substring(0, good.length() / 2));
        bodies.put("empty", "");
        bodies.put("garbage", "\u0001\u0002garbage\u00ff");
        bodies.put("no closing delimiter", good.replace("--" + b + "--", ""));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            many.append("--").append(b).append("\r\nContent-Disposition: form-data; name=\"f").append(i)
                    .append("\"\r\n\r\n1\r\n");
        }
        bodies.put("3000 parts", many + "--" + b + "--\r\n");
        bodies.put("unknown part", "--" + b + "\r\nContent-Disposition: form-data; name=\"colour\"\r\n\r\nred\r\n--" + b + "--\r\n");
        bodies.put("repeated part", good.replace("--" + b + "--\r\n", "") + good);
        bodies.put("part without a name", "--" + b + "\r\nContent-Disposition: form-data\r\n\r\n1\r\n--" + b + "--\r\n");
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            cases.add(new Case(m + " " + u + " multipart " + e.getKey(), raw(m, u, "multipart/form-data; boundary=" + b,
                    e.getValue().getBytes(StandardCharsets.ISO_8859_1)), null));
        }
        cases.add(new Case(m + " " + u + " multipart without a boundary", raw(m, u, "multipart/form-data",
                good.getBytes(StandardCharsets.UTF_8)), null));
        return cases;
    }

    /** The dataset upload: its parts missing, repeated, unknown, binary, or not text. */
    static List<Case> uploads() {
        String u = TRAINER + "/api/datasets";
        List<Case> cases = new ArrayList<>(brokenMultipart("POST", u, "name"));
        String text = "a b c\nd e f\n";
        Map<String, List<String[]>> bodies = new LinkedHashMap<>();
        bodies.put("no name", List.of(file("train", text), file("valid", text), file("test", text)));
        bodies.put("bad name", List.of(field("name", "../x"), file("train", text), file("valid", text), file("test", text)));
        bodies.put("NUL in name", List.of(field("name", "a\u0000b"), file("train", text), file("valid", text), file("test", text)));
        bodies.put("no test", List.of(field("name", "h1"), file("train", text), file("valid", text)));
        bodies.put("NUL in train", List.of(field("name", "h2"), file("train", "a\u0000b\n"), file("valid", text), file("test", text)));
        bodies.put("unknown part", List.of(field("name", "h3"), file("train", text), file("valid", text), file("test", text),
                field("colour", "red")));
        bodies.put("repeated train", List.of(field("name", "h4"), file("train", text), file("train", text), file("valid", text),
                file("test", text)));
        bodies.put("name as a file", List.of(file("name", "h5"), file("train", text), file("valid", text), file("test", text)));
        bodies.put("train as a field", List.of(field("name", "h6"), field("train", text), file("valid", text), file("test", text)));
        bodies.put("empty train", List.of(field("name", "h7"), file("train", ""), file("valid", text), file("test", text)));
        for (Map.Entry<String, List<String[]>> e : bodies.entrySet()) {
            String field = e.getKey().contains("name") ? "name" : e.getKey().contains("test") ? "test"
                    : e.getKey().contains("unknown") ? "colour" : "train";
            cases.add(new Case("POST " + u + " upload " + e.getKey(), multipart("POST", u, e.getValue()), field));
        }
        return cases;
    }

    /** Ids that are no resource. */
    static List<Case> paths() {
        List<Case> cases = new ArrayList<>();
        for (String id : List.of("nope", "%00", "..%2F..%2Fetc", "x".repeat(300), UUID.randomUUID().toString())) {
            for (String p : List.of("/api/runs/" + id, "/api/runs/" + id + "/metrics", "/api/checkpoints/" + id,
                    "/api/checkpoints/" + id + "/content", "/api/datasets/" + id)) {
                cases.add(new Case("GET " + p, get(TRAINER + p), null));
            }
            cases.add(new Case("POST cancel " + abbreviate(id), raw("POST", TRAINER + "/api/runs/" + id + "/cancel", null,
                    new byte[0]), null));
        }
        cases.add(new Case("DELETE /generate", raw("DELETE", GENERATOR + "/generate", null, new byte[0]), null));
        cases.add(new Case("PATCH /api/runs", raw("PATCH", TRAINER + "/api/runs", "application/json", "{}".getBytes()), null));
        return cases;
    }

    @Test
    void everyHostileRequestIsRefusedWithAProblemNamingTheField() throws Exception {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 500, "requests generated: " + cases.size());
        long runsBefore = runs();
        List<Outcome> fiveXx = new ArrayList<>();
        List<Outcome> accepted = new ArrayList<>();
        List<Outcome> noProblem = new ArrayList<>();
        List<Outcome> fieldUnnamed = new ArrayList<>();
        for (Case c : cases) {
            HttpResponse<String> r = CLIENT.send(c.request(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Outcome o = new Outcome(c, r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
            if (o.status() >= 500) {
                fiveXx.add(o);
            } else if (o.status() < 400) {
                accepted.add(o);
            } else if (!o.contentType().startsWith("application/problem+json") || !isProblem(o)) {
                noProblem.add(o);
            } else if (c.field() != null && !names(o, o.status() == 413 ? "body" : o.status() == 414 ? "uri" : c.field())) {
                fieldUnnamed.add(o);
            }
        }
        String report = "5xx: " + show(fiveXx) + "\n2xx: " + show(accepted) + "\nno problem body: " + show(noProblem)
                + "\nfield not named: " + show(fieldUnnamed);
        assertEquals(0, fiveXx.size() + accepted.size() + noProblem.size() + fieldUnnamed.size(), report);
        assertEquals(runsBefore, runs(), "no run was created");
        System.out.println("faults: HostileInputIT ok, " + cases.size() + " requests, 0 x 5xx, 0 x 2xx for invalid input, "
                + "every answer a problem body");
    }

    /** A 200 MB body on a JSON route is refused from its headers: the trainer neither reads nor buffers it. */
    @Test
    void aHugeBodyOnAJsonRouteIsRefusedBeforeItIsRead() throws Exception {
        long before = stack.trainerRss();
        long size = 200L << 20;
        AtomicLong sent = new AtomicLong();
        String status;
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", Stack.TRAINER_PORT)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Stack.ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[1 << 16];
                java.util.Arrays.fill(chunk, (byte) ' ');
                try {
                    while (sent.get() < size) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (java.io.IOException closedByTheServer) {
                    // expected: the trainer closes the connection after its answer
                }
            });
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            status = head.substring(9, 12);
            writer.join(30_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long after = stack.trainerRss();
        long growth = after - before;
        assertEquals("413", status);
        assertTrue(sent.get() < size, "the trainer stopped reading: " + sent.get() + " bytes sent of " + size);
        assertTrue(growth < 50L << 20, "RSS growth " + growth / (1 << 20) + " MB");
        System.out.printf("faults: HostileInputIT.hugeBody ok, 413 after %.2f s, %d MB of 200 sent, trainer RSS %+d MB (%d -> %d MB)%n",
                seconds, sent.get() >> 20, growth >> 20, before >> 20, after >> 20);
    }

    private static long runs() throws Exception {
        return Http.get(TRAINER + "/api/runs?size=1").json().get("total").asLong();
    }

    private static boolean isProblem(Outcome o) {
        try {
            JsonNode p = Http.JSON.readTree(o.body());
            return p.path("status").asInt() == o.status() && p.path("type").asText().startsWith("urn:wordlm:problem:")
                    && p.hasNonNull("title") && p.hasNonNull("detail") && p.path("errors").isArray()
                    && !o.body().contains("Exception") && !o.body().contains("jackson") && !o.body().contains("@Consumes")
                    && !o.body().contains("Feature");
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean names(Outcome o, String field) {
        try {
            for (JsonNode e : Http.JSON.readTree(o.body()).path("errors")) {
                if (e.path("field").asText().equals(field)) {
                    return true;
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    private static String show(List<Outcome> outcomes) {
        StringBuilder sb = new StringBuilder().append(outcomes.size());
        outcomes.stream().limit(25).forEach(o -> sb.append("\n  ").append(o.status()).append(' ').append(o.c().label())
                .append(" -> ").append(abbreviate(o.body())));
        return sb.toString();
    }

    private static String abbreviate(String s) {
        String t = s.replace("\u0000", "\\0").replace("\n", "\\n").replace("\r", "\\r");
        return t.length() > 80 ? t.substring(0, 80) + "…(" + t.length() + ")" : t;
    }

    private static String object(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder("{");
        fields.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        return sb.append('}').toString();
    }

    private static String manyFields(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : "&").append("f").append(i).append("=1");
        }
        return sb.toString();
    }

    private static HttpRequest textRequest(Endpoint e, String name, String value) {
        String encoded = value.startsWith("%") ? value : URLEncoder.encode(value, StandardCharsets.UTF_8);
        return switch (e.carrier()) {
            case QUERY -> get(e.url() + "?" + name + "=" + encoded);
            case FORM -> raw(e.method(), e.url(), "application/x-www-form-urlencoded",
                    (name + "=" + encoded).getBytes(StandardCharsets.UTF_8));
            default -> multipart(e.method(), e.url(), List.<String[]>of(field(name, value)));
        };
    }

    private static String[] field(String name, String value) {
        return new String[] {name, value, null};
    }

    private static String[] file(String name, String content) {
        return new String[] {name, content, name + ".txt"};
    }

    private static HttpRequest multipart(String method, String url, List<String[]> parts) {
        String b = "hostile" + UUID.randomUUID();
        StringBuilder sb = new StringBuilder();
        for (String[] p : parts) {
            sb.append("--").append(b).append("\r\nContent-Disposition: form-data; name=\"").append(p[0]).append('"');
            if (p[2] != null) {
                sb.append("; filename=\"").append(p[2]).append("\"\r\nContent-Type: text/plain");
            }
            sb.append("\r\n\r\n").append(p[1]).append("\r\n");
        }
        sb.append("--").append(b).append("--\r\n");
        return raw(method, url, "multipart/form-data; boundary=" + b, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest json(String method, String url, String body) {
        return raw(method, url, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest get(String url) {
        return builder(url).GET().build();
    }

    private static HttpRequest raw(String method, String url, String contentType, byte[] body) {
        HttpRequest.Builder b = builder(url);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return b.method(method, body.length == 0 && contentType == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static HttpRequest.Builder builder(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Stack.ADMIN_TOKEN);
    }
}
