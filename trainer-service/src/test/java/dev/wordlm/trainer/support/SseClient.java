package dev.wordlm.trainer.support;

import dev.wordlm.testing.SseParser;
import dev.wordlm.testing.SseParser.Event;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Reads a server-sent event stream to its end in the background ({@link SseParser}), as a browser would. */
public final class SseClient {

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
                        return SseParser.parse(lines.iterator(), first::complete); // the first call counts
                    }
                });
    }
}
