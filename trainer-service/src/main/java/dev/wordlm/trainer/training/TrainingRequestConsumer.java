package dev.wordlm.trainer.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wordlm.events.Topics;
import dev.wordlm.events.TrainingRequested;
import dev.wordlm.trainer.api.Ids;
import dev.wordlm.trainer.json.JsonCodec;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code training-requests}. Each record is acknowledged only when its run has ended (or needs nothing from
 * this trainer), so a trainer that dies mid-run leaves its record uncommitted and the consumer group redelivers it to
 * a live trainer, which resumes the run. While a consumer's run trains, SmallRye pauses its partitions and keeps
 * polling: further requests wait in Kafka, and the consumer stays in the group.
 *
 * <p>The database is the source of truth: the record only names the run (payload {@code runId}, or the key).
 */
@ApplicationScoped
public class TrainingRequestConsumer {
    private static final Logger LOG = Logger.getLogger(TrainingRequestConsumer.class);

    private final RunDispatcher dispatcher;
    private final JsonCodec json;
    private final DeadLetters deadLetters;

    public TrainingRequestConsumer(RunDispatcher dispatcher, JsonCodec json, DeadLetters deadLetters) {
        this.dispatcher = dispatcher;
        this.json = json;
        this.deadLetters = deadLetters;
    }

    @Incoming(Topics.TRAINING_REQUESTS)
    public CompletionStage<Void> onRequest(Message<String> message) {
        Optional<UUID> runId = runIdOf(message);
        if (runId.isEmpty()) {
            LOG.warnf("a training request that names no run goes to %s: %s", Topics.TRAINING_REQUESTS_DEAD_LETTERS,
                    abbreviate(message.getPayload()));
            // Acknowledged only once the dead letter is stored: a failed send fails the channel, and nothing is lost.
            return deadLetters.send(message, "names no run: neither a runId field nor a key that is a run id")
                    .thenCompose(sent -> message.ack());
        }
        return dispatcher.submit(runId.get()).handle((acknowledge, error) -> {
            if (error != null) {
                // A bug, not a property of the run: fail the channel (failure-strategy=fail, liveness DOWN) rather
                // than commit a request that was never handled.
                LOG.errorf(error, "run %s: the training request could not be handled", runId.get());
                return message.nack(error);
            }
            return acknowledge ? message.ack() : new CompletableFuture<Void>();
        }).thenCompose(stage -> stage);
    }

    private Optional<UUID> runIdOf(Message<String> message) {
        String payload = message.getPayload();
        if (payload != null) {
            try {
                JsonNode node = json.tree(payload);
                int version = node.path("schemaVersion").asInt(TrainingRequested.SCHEMA_VERSION);
                if (version > TrainingRequested.SCHEMA_VERSION) {
                    LOG.debugf("training request of schema version %d (this trainer knows %d): using its run id",
                            version, TrainingRequested.SCHEMA_VERSION);
                }
                Optional<UUID> id = Ids.parse(node.path("runId").asText(null));
                if (id.isPresent()) {
                    return id;
                }
            } catch (JsonProcessingException e) {
                LOG.debugf("training request is not JSON: %s", e.getOriginalMessage());
            }
        }
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getKey() == null ? null : m.getKey().toString())
                .flatMap(Ids::parse);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
