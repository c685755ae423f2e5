package dev.wordlm.generator.support;

import dev.wordlm.testing.SseParser;
import dev.wordlm.testing.SseParser.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A plain HTTP client reading a server-sent event stream line by line ({@link SseParser}), as a browser would. */
public final class SseClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A finished stream: status, headers, and (for 200) every event in order. */
    public record Result(int status, HttpHeaders headers, List<Event> events, String errorBody) {
        public List<Event> named(String name) {
            return events.stream().filter(e -> name.equals(e.name())).toList();
        }
    }

    private SseClient() {
    }

    /** Reads the whole stream, calling {@code onEvent} as each event arrives. */
    public static Result read(URI uri, Consumer<Event> onEvent) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Authorization", TestTokens.adminHeader())
                .timeout(Duration.ofMinutes(2)).GET().build();
        try {
            HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = response.body()) {
                if (response.statusCode() != 200) {
                    return new Result(response.statusCode(), response.headers(), List.of(),
                            String.join("\n", lines.toList()));
                }
                List<Event> events = SseParser.parse(lines.iterator(), onEvent);
                return new Result(200, response.headers(), events, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
