package dev.wordlm.trainer.support;

import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Reads a server-sent event stream to its end in the background, as a browser's EventSource would. */
public final class SseClient {

    /** One event: its name and its data (the JSON text). */
    public record Event(String name, String data) {
    }

    private SseClient() {
    }

    /** Opens the stream now; the future completes with every event once the server ends the stream. */
    public static CompletableFuture<List<Event>> open(String path) {
        return open(path, new CompletableFuture<>());
    }

    /** As {@link #open(String)}; {@code first} completes with the first event, once the server is sending. */
    public static CompletableFuture<List<Event>> open(String path, CompletableFuture<Event> first) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofMinutes(3))
                .build();
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("event stream answered " + response.statusCode());
                    }
                    try (Stream<String> lines = response.body()) {
                        return parse(lines, first);
                    }
                });
    }

    private static List<Event> parse(Stream<String> lines, CompletableFuture<Event> first) {
        List<Event> events = new ArrayList<>();
        String[] name = {null};
        StringBuilder data = new StringBuilder();
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (!data.isEmpty() || name[0] != null) {
                    events.add(new Event(name[0] == null ? "message" : name[0], data.toString()));
                    first.complete(events.get(0));
                }
                name[0] = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name[0] = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
            }
        });
        return events;
    }
}
