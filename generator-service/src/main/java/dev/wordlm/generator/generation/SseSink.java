package dev.wordlm.generator.generation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wordlm.problem.Problem;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Streams a generation as server-sent events: {@code model} (which checkpoint serves this stream), one {@code word}
 * per sampled word (data: the word, id: its index), then {@code done} with the count and timings, or {@code error}.
 */
final class SseSink implements WordSink {
    static final String MODEL = "model";
    static final String WORD = "word";
    static final String DONE = "done";
    static final String ERROR = "error";

    private final SseEventSink events;
    private final Sse sse;
    private final ObjectMapper json;
    private volatile CompletionStage<?> lastWrite = CompletableFuture.completedFuture(null);
    private volatile boolean broken;

    SseSink(SseEventSink events, Sse sse, ObjectMapper json) {
        this.events = events;
        this.sse = sse;
        this.json = json;
    }

    void opened(ModelTag model) {
        send(sse.newEventBuilder().name(MODEL).data(toJson(model)).build());
    }

    @Override
    public void word(int index, String word) {
        send(sse.newEventBuilder().name(WORD).id(Integer.toString(index)).data(word).build());
    }

    @Override
    public CompletionStage<?> ready() {
        return lastWrite;
    }

    @Override
    public boolean cancelled() {
        return broken || events.isClosed();
    }

    @Override
    public void abandoned() {
        events.close();
    }

    @Override
    public void completed(GenerationSummary summary) {
        StreamSummary done = new StreamSummary(summary.words(), summary.seed(), ModelTag.of(summary.checkpoint()),
                Timings.of(summary));
        send(sse.newEventBuilder().name(DONE).data(toJson(done)).build());
        lastWrite.whenComplete((r, e) -> events.close());
    }

    @Override
    public void failed(Throwable error) {
        // Invalid requests are answered before the stream opens; a failure once it runs is the service's.
        send(sse.newEventBuilder().name(ERROR).data(toJson(Problem.of(500, "internal-error", "generation failed", List.of()))).build());
        lastWrite.whenComplete((r, e) -> events.close());
    }

    private void send(OutboundSseEvent event) {
        if (cancelled()) {
            return;
        }
        try {
            lastWrite = events.send(event);
        } catch (IllegalStateException closedMeanwhile) {
            broken = true;
        }
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
