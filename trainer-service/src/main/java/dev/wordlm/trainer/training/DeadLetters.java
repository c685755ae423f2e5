package dev.wordlm.trainer.training;

import dev.wordlm.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends a training request that cannot be read to {@link Topics#TRAINING_REQUESTS_DEAD_LETTERS}, with the headers
 * SmallRye's dead-letter-queue strategy writes ({@code dead-letter-reason}, {@code -topic}, {@code -partition},
 * {@code -offset}), so one tool reads the dead letters of both services.
 *
 * <p>Why not that strategy itself: it dead-letters every nacked record, and the trainer nacks a readable request only
 * when handling it failed by a bug. Such a request is the only trigger of a QUEUED run, so it must stop the channel
 * (failure-strategy=fail, liveness DOWN, redelivered after a restart) rather than be set aside.
 */
@ApplicationScoped
public class DeadLetters {
    public static final String CHANNEL = "dead-letters";
    public static final String METRIC = "wordlm.dead.letters";

    private final MutinyEmitter<String> emitter;
    private final Counter counter;

    public DeadLetters(@Channel(CHANNEL) MutinyEmitter<String> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.counter = Counter.builder(METRIC).tag("topic", Topics.TRAINING_REQUESTS)
                .description("Records that could not be read, sent to the topic's dead-letter topic")
                .register(registry);
    }

    /** Completes once the broker has the dead letter; {@code record} may then be acknowledged. */
    public CompletionStage<Void> send(Message<String> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, "dead-letter-reason", reason);
        Optional<IncomingKafkaRecordMetadata> incoming = record.getMetadata(IncomingKafkaRecordMetadata.class);
        incoming.ifPresent(m -> {
            header(headers, "dead-letter-topic", m.getTopic());
            header(headers, "dead-letter-partition", Integer.toString(m.getPartition()));
            header(headers, "dead-letter-offset", Long.toString(m.getOffset()));
        });
        Object key = incoming.map(IncomingKafkaRecordMetadata::getKey).orElse(null);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key == null ? null : key.toString())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(record.getPayload()).addMetadata(metadata))
                .invoke(() -> counter.increment())
                .subscribeAsCompletionStage();
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
