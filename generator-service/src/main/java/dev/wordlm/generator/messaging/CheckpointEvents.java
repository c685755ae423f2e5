package dev.wordlm.generator.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.wordlm.events.CheckpointReady;
import dev.wordlm.events.Topics;
import dev.wordlm.generator.model.CheckpointRejectedException;
import dev.wordlm.generator.model.ModelSwitcher;
import dev.wordlm.generator.model.TrainerJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code checkpoints}. Every replica has a consumer group of its own, so each sees every event and swaps its
 * own model. Anyone who can write to the topic can write an event, so an event is only a hint: of its fields only the
 * checkpoint id is used, and the {@link ModelSwitcher} takes everything else from the trainer. The event is handed
 * over and acknowledged at once: a load takes seconds and must not hold the consumer (whose health degrades when a
 * record stays unacknowledged). A record that is not a checkpoint event is nacked, which the channel's
 * dead-letter-queue strategy turns into a record on {@link Topics#CHECKPOINTS_DEAD_LETTERS} with the reason in its
 * headers; it is never retried, and the consumer goes on.
 */
@ApplicationScoped
public class CheckpointEvents {
    public static final String DEAD_LETTERS_METRIC = "wordlm.dead.letters";
    private static final Logger LOG = Logger.getLogger(CheckpointEvents.class);
    private static final int MAX_REASON_CHARS = 300;

    private final ModelSwitcher switcher;
    private final TrainerJson json;
    private final Counter deadLetters;

    public CheckpointEvents(ModelSwitcher switcher, TrainerJson json, MeterRegistry registry) {
        this.switcher = switcher;
        this.json = json;
        this.deadLetters = Counter.builder(DEAD_LETTERS_METRIC).tag("topic", Topics.CHECKPOINTS)
                .description("Records that could not be read, sent to the topic's dead-letter topic")
                .register(registry);
    }

    @Incoming(Channels.CHECKPOINTS)
    public CompletionStage<Void> onCheckpoint(Message<String> message) {
        CheckpointReady event;
        try {
            event = read(message.getPayload());
        } catch (UnreadableEvent e) {
            switcher.countRejection(CheckpointRejectedException.MALFORMED_EVENT);
            deadLetters.increment();
            LOG.warnf("a record that is not a checkpoint event goes to %s: %s", Topics.CHECKPOINTS_DEAD_LETTERS,
                    e.getMessage());
            return message.nack(e);
        }
        LOG.infof("checkpoint %s announced; asking the trainer about it", event.checkpointId());
        switcher.offer(event.checkpointId()).exceptionally(error -> {
            LOG.errorf("checkpoint %s given up: the trainer could not be asked about it for the retry's whole "
                    + "duration (%s); it is served only if chosen later", event.checkpointId(), error.getMessage());
            return null;
        });
        return message.ack();
    }

    private CheckpointReady read(String payload) {
        if (payload == null || payload.isBlank()) {
            throw new UnreadableEvent("empty record");
        }
        CheckpointReady event;
        try {
            event = json.mapper().readValue(payload, CheckpointReady.class);
        } catch (JsonProcessingException e) {
            // The parser's own location suffix names its internals; the offset header says where the record is.
            throw new UnreadableEvent("not a checkpoint event: "
                    + e.getOriginalMessage().replaceAll("\\s*\\(?(start marker )?at \\[Source:.*$", ""));
        } catch (RuntimeException e) {
            throw new UnreadableEvent("not a checkpoint event: " + e.getMessage());
        }
        if (event == null || event.checkpointId() == null) {
            throw new UnreadableEvent("no checkpointId");
        }
        return event;
    }

    /** Why a record is set aside; its message is the {@code dead-letter-reason} header. */
    static final class UnreadableEvent extends RuntimeException {
        UnreadableEvent(String reason) {
            super(reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...", null,
                    false, false);
        }
    }
}
