package dev.wordlm.trainer.outbox;

import dev.wordlm.trainer.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/**
 * Records an event for Kafka in the caller's transaction: it is sent if and only if the state change it
 * describes commits. {@link OutboxRelay} does the sending.
 */
@ApplicationScoped
public class Outbox {
    private final JsonCodec json;
    private final OutboxRelay relay;
    private final TransactionSynchronizationRegistry transactions;

    public Outbox(JsonCodec json, OutboxRelay relay, TransactionSynchronizationRegistry transactions) {
        this.json = json;
        this.relay = relay;
        this.transactions = transactions;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(String topic, UUID runId, Object event) {
        OutboxMessage m = new OutboxMessage();
        m.topic = topic;
        m.key = runId.toString();
        m.payload = json.write(event);
        m.createdAt = Instant.now();
        m.persist();
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    relay.wakeUp();
                }
            }
        });
    }
}
