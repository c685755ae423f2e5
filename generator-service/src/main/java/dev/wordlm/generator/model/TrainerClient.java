package dev.wordlm.generator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import dev.wordlm.generator.config.GeneratorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The trainer service's checkpoint API, over the JDK's HTTP client (no extra client stack for three GETs):
 * <ul>
 *   <li>{@code GET /api/checkpoints?selection=newest|best&limit=1[&runId=...]}: a JSON array of checkpoint records</li>
 *   <li>{@code GET /api/checkpoints/{id}}: one record, 404 if unknown</li>
 *   <li>the record's {@code downloadUrl} (default {@code /api/checkpoints/{id}/content}): the file</li>
 * </ul>
 */
@ApplicationScoped
public class TrainerClient {
    private final URI base;
    private final Duration requestTimeout;
    private final Duration downloadTimeout;
    private final TrainerJson json;
    private final HttpClient http;

    public TrainerClient(GeneratorConfig config, TrainerJson json) {
        String url = config.trainerUrl().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.requestTimeout = config.model().requestTimeout();
        this.downloadTimeout = config.model().downloadTimeout();
        this.json = json;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
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
        return Optional.of(toRef(parse(response, json.mapper().constructType(TrainerCheckpoint.class))));
    }

    /** The checkpoint file's bytes; refuses more than {@code maxBytes}. */
    public byte[] download(CheckpointRef ref, long maxBytes) {
        URI uri = base.resolve(ref.downloadPath());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(downloadTimeout).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() == 404) {
                    throw new CheckpointRejectedException(ref.checkpointId(), "not-found",
                            "checkpoint " + ref.checkpointId() + " is not on the trainer (" + uri + " answered 404)");
                }
                if (response.statusCode() != 200) {
                    throw new TrainerUnavailableException("downloading " + uri + " answered HTTP " + response.statusCode());
                }
                return readAtMost(in, maxBytes, ref);
            }
        } catch (IOException e) {
            throw new TrainerUnavailableException("cannot download " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainerUnavailableException("interrupted while downloading " + uri, e);
        }
    }

    private static byte[] readAtMost(InputStream in, long maxBytes, CheckpointRef ref) throws IOException {
        long expected = ref.sizeBytes() > 0 ? ref.sizeBytes() : 1 << 16;
        Download out = new Download((int) Math.min(expected, Math.min(maxBytes, Integer.MAX_VALUE - 8)));
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new CheckpointRejectedException(ref.checkpointId(), "size",
                        "checkpoint " + ref.checkpointId() + " is larger than the limit of " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.bytes();
    }

    /** Sized for the announced file: a download of exactly that size is handed over as it is, not copied again. */
    private static final class Download extends ByteArrayOutputStream {
        Download(int expectedBytes) {
            super(Math.max(1, expectedBytes));
        }

        byte[] bytes() {
            return count == buf.length ? buf : toByteArray();
        }
    }

    private HttpResponse<String> get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Accept", "application/json").GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TrainerUnavailableException("cannot reach the trainer at " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainerUnavailableException("interrupted while asking the trainer at " + uri, e);
        }
    }

    private static void expectOk(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new TrainerUnavailableException(response.request().uri() + " answered HTTP " + response.statusCode());
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
