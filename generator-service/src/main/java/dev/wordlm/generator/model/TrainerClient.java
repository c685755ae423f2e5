package dev.wordlm.generator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import dev.wordlm.generator.config.GeneratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The trainer service's checkpoint API at {@code wordlm.trainer-url}, the one source of truth about checkpoints, over
 * the JDK's HTTP client (no extra client stack for three GETs):
 * <ul>
 *   <li>{@code GET /api/checkpoints?selection=newest|best&limit=1[&runId=...]}: a JSON array of checkpoint records</li>
 *   <li>{@code GET /api/checkpoints/{id}}: one record, 404 if unknown</li>
 *   <li>the record's {@code downloadUrl} (default {@code /api/checkpoints/{id}/content}): the file</li>
 * </ul>
 * Every call sends {@code wordlm.trainer-token} and is bounded as a whole (connect, headers and body) by
 * {@code request-timeout} or, for a file, {@code download-timeout}. Redirects are not followed and a download link
 * outside the trainer's origin is refused, so the token and the connection only ever go to the configured trainer.
 *
 * <p>Why not the Quarkus REST client: a download must be bounded in bytes while it streams ({@link LimitedBody}
 * cancels the transfer past {@code max-checkpoint-bytes}) and as a whole exchange in time. The REST client has no
 * byte bound of its own, its {@code InputStream}, {@code Response} and {@code Multi} bodies have buffered or ignored
 * back-pressure in recent releases, and its timeouts are a connect and a read (idle) timeout, so the download would
 * stay on this client anyway. Moving only the two lookups would put a second HTTP stack beside this one, with the
 * token, redirect and origin rules kept in two places, for no behaviour gained.
 */
@ApplicationScoped
public class TrainerClient {
    private final URI base;
    private final Optional<String> authorization;
    private final Duration requestTimeout;
    private final Duration downloadTimeout;
    private final TrainerJson json;
    private final HttpClient http;

    public TrainerClient(GeneratorConfig config, TrainerJson json) {
        String url = config.trainerUrl().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.authorization = config.trainerToken().filter(t -> !t.isBlank()).map(t -> "Bearer " + t.trim());
        this.requestTimeout = config.model().requestTimeout();
        this.downloadTimeout = config.model().downloadTimeout();
        this.json = json;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The trainer's current choice for a selection, within one run if {@code runId} is given; empty if it has none. */
    public Optional<CheckpointRef> choice(Selection selection, UUID runId) {
        String query = "selection=" + selection.value() + "&limit=1"
                + (runId == null ? "" : "&runId=" + URLEncoder.encode(runId.toString(), StandardCharsets.UTF_8));
        HttpResponse<String> response = get(base.resolve("api/checkpoints?" + query));
        expectOk(response);
        JavaType listType = json.mapper().getTypeFactory().constructCollectionType(List.class, TrainerCheckpoint.class);
        List<TrainerCheckpoint> records = parse(response, listType);
        return records.isEmpty() ? Optional.empty() : Optional.of(toRef(records.get(0)));
    }

    /** One checkpoint's record; empty if the trainer does not know it. */
    public Optional<CheckpointRef> checkpoint(UUID checkpointId) {
        HttpResponse<String> response = get(base.resolve("api/checkpoints/" + checkpointId));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expectOk(response);
        CheckpointRef ref = toRef(parse(response, json.mapper().constructType(TrainerCheckpoint.class)));
        if (!checkpointId.equals(ref.checkpointId())) {
            throw new TrainerUnavailableException("asked the trainer for checkpoint " + checkpointId + ", got "
                    + ref.checkpointId());
        }
        return Optional.of(ref);
    }

    /**
     * Places or renews this replica's hold on a checkpoint ({@code PUT /api/checkpoints/{id}/holds/{holder}}), so the
     * trainer's retention keeps it; false if the trainer does not know the checkpoint.
     */
    public boolean hold(UUID checkpointId, String holder) {
        HttpResponse<String> response = send(request(holdUri(checkpointId, holder))
                .PUT(HttpRequest.BodyPublishers.noBody()).header("Accept", "application/json").build());
        if (response.statusCode() == 404) {
            return false;
        }
        expectOk(response);
        return true;
    }

    /** Releases this replica's hold on a checkpoint (nothing if it has none). */
    public void release(UUID checkpointId, String holder) {
        HttpResponse<String> response = send(request(holdUri(checkpointId, holder)).DELETE().build());
        if (response.statusCode() != 204 && response.statusCode() != 404) {
            expectOk(response);
        }
    }

    private URI holdUri(UUID checkpointId, String holder) {
        return base.resolve("api/checkpoints/" + checkpointId + "/holds/"
                + URLEncoder.encode(holder, StandardCharsets.UTF_8));
    }

    /** The checkpoint file's bytes; refuses more than {@code maxBytes}, and any link outside the trainer. */
    public byte[] download(CheckpointRef ref, long maxBytes) {
        URI uri = onTrainer(ref);
        HttpRequest request = request(uri).build();
        HttpResponse<byte[]> response = await(http.sendAsync(request, info -> info.statusCode() == 200
                ? new LimitedBody(maxBytes, ref) : HttpResponse.BodySubscribers.replacing(null)),
                downloadTimeout, "downloading " + uri);
        if (response.statusCode() == 404) {
            throw new CheckpointRejectedException(ref.checkpointId(), "not-found",
                    "checkpoint " + ref.checkpointId() + " is not on the trainer (" + uri + " answered 404)");
        }
        if (response.statusCode() != 200) {
            throw new TrainerUnavailableException("downloading " + uri + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** The file's address: the record's link resolved against the trainer's URL, which it must not leave. */
    URI onTrainer(CheckpointRef ref) {
        URI uri;
        try {
            uri = base.resolve(ref.downloadPath());
        } catch (IllegalArgumentException e) {
            throw new CheckpointRejectedException(ref.checkpointId(), CheckpointRejectedException.FOREIGN_URL,
                    "checkpoint " + ref.checkpointId() + " has an unusable download link", e);
        }
        if (!sameOrigin(uri, base) || !uri.getRawPath().startsWith(base.getRawPath())) {
            throw new CheckpointRejectedException(ref.checkpointId(), CheckpointRejectedException.FOREIGN_URL,
                    "checkpoint " + ref.checkpointId() + " links to " + uri.getScheme() + "://" + uri.getRawAuthority()
                            + ", not to the trainer at " + base.getScheme() + "://" + base.getRawAuthority()
                            + ": not downloaded");
        }
        return uri;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b) && a.getRawUserInfo() == null;
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        authorization.ifPresent(value -> request.header("Authorization", value));
        return request;
    }

    private HttpResponse<String> get(URI uri) {
        return send(request(uri).header("Accept", "application/json").build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        return await(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()), requestTimeout,
                "asking the trainer at " + request.uri());
    }

    /** Waits for a whole exchange, body included, at most {@code timeout}; a late one is cancelled. */
    private static <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> exchange, Duration timeout, String what) {
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new TrainerUnavailableException(what + ": no complete answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new TrainerUnavailableException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = Objects.requireNonNullElse(e.getCause(), e);
            if (cause instanceof CheckpointRejectedException rejected) {
                throw rejected;
            }
            throw new TrainerUnavailableException(what + " failed: " + cause, cause);
        }
    }

    private static void expectOk(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new TrainerUnavailableException(response.request().uri() + " answered HTTP " + response.statusCode()
                    + (response.statusCode() == 401 || response.statusCode() == 403
                    ? " (check wordlm.trainer-token)" : ""));
        }
    }

    private <T> T parse(HttpResponse<String> response, JavaType type) {
        try {
            return json.mapper().readValue(response.body(), type);
        } catch (JsonProcessingException e) {
            throw new TrainerUnavailableException("unreadable answer from " + response.request().uri() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static CheckpointRef toRef(TrainerCheckpoint record) {
        try {
            return record.toRef();
        } catch (RuntimeException e) {
            throw new TrainerUnavailableException("the trainer returned an incomplete checkpoint record: " + e.getMessage(), e);
        }
    }
}
