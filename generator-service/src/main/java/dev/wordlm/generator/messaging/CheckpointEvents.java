package dev.wordlm.generator.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.wordlm.events.CheckpointReady;
import dev.wordlm.generator.model.CheckpointRejectedException;
import dev.wordlm.generator.model.ModelSwitcher;
import dev.wordlm.generator.model.TrainerJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code checkpoints}. Every replica has a consumer group of its own, so each sees every event and swaps its
 * own model. Anyone who can write to the topic can write an event, so an event is only a hint: of its fields only the
 * checkpoint id is used, and the {@link ModelSwitcher} takes everything else from the trainer. The event is handed
 * over and acknowledged at once: a load takes seconds and must not hold the consumer (whose health degrades when a
 * record stays unacknowledged). A malformed event is logged and dropped, never retried forever.
 */
@ApplicationScoped
public class CheckpointEvents {
    private static final Logger LOG = Logger.getLogger(CheckpointEvents.class);

    private final ModelSwitcher switcher;
    private final TrainerJson json;

    public CheckpointEvents(ModelSwitcher switcher, TrainerJson json) {
        this.switcher = switcher;
        this.json = json;
    }

    @Incoming(Channels.CHECKPOINTS)
    public void onCheckpoint(String payload) {
        CheckpointReady event;
        try {
            event = json.mapper().readValue(payload, CheckpointReady.class);
            Objects.requireNonNull(event.checkpointId(), "checkpointId");
        } catch (JsonProcessingException | RuntimeException e) {
            switcher.countRejection(CheckpointRejectedException.MALFORMED_EVENT);
            LOG.warnf("ignoring a malformed checkpoint event: %s", e.getMessage());
            return;
        }
        LOG.infof("checkpoint %s announced; asking the trainer about it", event.checkpointId());
        switcher.offer(event.checkpointId());
    }
}
