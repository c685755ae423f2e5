package dev.wordlm.generator.messaging;

import dev.wordlm.generator.model.ModelHolder;
import dev.wordlm.generator.model.ModelSwitcher;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * With {@code auto.offset.reset=latest}, events published before this consumer got its partition (at start-up, or
 * during a rebalance or broker outage) are never delivered. On each assignment the served model is reconciled with
 * the trainer's current choice, so such a checkpoint is picked up anyway. Before the first model is served, the
 * start-up loader already keeps asking.
 */
@ApplicationScoped
@Identifier(CatchUpOnAssignment.NAME)
public class CatchUpOnAssignment implements KafkaConsumerRebalanceListener {
    static final String NAME = "checkpoints-catch-up";
    private static final Logger LOG = Logger.getLogger(CatchUpOnAssignment.class);

    private final ModelSwitcher switcher;
    private final ModelHolder holder;

    public CatchUpOnAssignment(ModelSwitcher switcher, ModelHolder holder) {
        this.switcher = switcher;
        this.holder = holder;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty() || holder.current().isEmpty()) {
            return;
        }
        // Runs on the polling thread: hand the work to the switcher and return at once.
        switcher.refresh().whenComplete((served, error) -> {
            if (error != null) {
                LOG.warnf("could not catch up with the trainer after a partition assignment: %s", error.getMessage());
            }
        });
    }
}
