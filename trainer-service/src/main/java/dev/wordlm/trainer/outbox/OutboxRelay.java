package dev.wordlm.trainer.outbox;

import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sends the outbox to Kafka: unpublished rows in id order, each marked published once Kafka acknowledged it. When a
 * send fails (Kafka down) the row and those after it stay and are retried after a back-off, so events keep their
 * order and none is lost; a crash between the send and the commit resends (at-least-once: consumers are
 * idempotent). One replica relays at a time, under a PostgreSQL advisory lock.
 *
 * <p>A relay starts right after each commit that added events ({@link #wakeUp()}, on a worker thread) and every
 * {@code wordlm.outbox.poll-interval} (the scheduler: rows left by another replica). One relay runs at a time; a
 * wake-up during one makes it go round once more. A relay that fails (Kafka or the database down) is retried by
 * Fault Tolerance after 1 s, doubling up to 10 s, until it succeeds: polls and wake-ups meanwhile change nothing.
 */
@ApplicationScoped
public class OutboxRelay {
    public static final String CHANNEL = "outbox";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id of the relay ("wordlm" + 1). */
    private static final long LOCK_ID = 0x776f72646c6d01L;

    private final MutinyEmitter<String> emitter;
    private final EntityManager em;
    private final TrainerSettings settings;
    private final Guard backOff = Guard.create()
            .withDescription("outbox relay")
            .withRetry()
                .maxRetries(-1)
                .maxDuration(0, ChronoUnit.MILLIS) // none: the events wait for Kafka however long it takes
                .delay(1, ChronoUnit.SECONDS)
                .jitter(0, ChronoUnit.MILLIS)
                .abortOn(Stopped.class)
                .withExponentialBackoff().factor(2).maxDelay(10, ChronoUnit.SECONDS).done()
                .done()
            .build();
    private final AtomicBoolean relaying = new AtomicBoolean();
    private volatile boolean again;
    private volatile boolean running = true;

    public OutboxRelay(@Channel(CHANNEL) MutinyEmitter<String> emitter, EntityManager em, TrainerSettings settings) {
        this.emitter = emitter;
        this.em = em;
        this.settings = settings;
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
    }

    /** New events were committed: relay them now rather than at the next poll (never on the committing thread). */
    public void wakeUp() {
        if (running) {
            Infrastructure.getDefaultWorkerPool().execute(this::relay);
        }
    }

    @Scheduled(every = "${wordlm.outbox.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        relay();
    }

    /** Relays until nothing asked for another round; returns at once when another thread is relaying. */
    void relay() {
        again = true;
        while (again && running && relaying.compareAndSet(false, true)) {
            try {
                again = false;
                backOff.call(() -> {
                    relayPending();
                    return null;
                }, Void.class);
            } catch (Stopped e) {
                return;
            } catch (Exception e) {
                LOG.warnf("outbox relay stopped retrying: %s", e.toString()); // interrupted
            } finally {
                relaying.set(false);
            }
        }
    }

    /** Sends pending events in order; throws (so that the relay backs off) when one fails. */
    private void relayPending() {
        if (!running) {
            throw new Stopped();
        }
        int timeout = (int) settings.outbox().sendTimeout().multipliedBy(2).toSeconds() + 30;
        boolean failed;
        try {
            failed = QuarkusTransaction.requiringNew().timeout(timeout).call(() -> {
                if (!lock()) {
                    return false; // another replica is relaying
                }
                List<OutboxMessage> pending = OutboxMessage.<OutboxMessage>find("publishedAt is null order by id")
                        .page(0, settings.outbox().batchSize()).list();
                for (OutboxMessage m : pending) {
                    try {
                        send(m);
                    } catch (RuntimeException e) {
                        m.attempts++;
                        m.lastError = String.valueOf(e.getMessage());
                        LOG.warnf("outbox relay: cannot send event %d to %s (attempt %d), will retry: %s", m.id,
                                m.topic, m.attempts, e.getMessage());
                        return true;
                    }
                    m.publishedAt = Instant.now();
                }
                return false;
            });
        } catch (RuntimeException e) {
            if (!running) {
                throw new Stopped();
            }
            // The database is unreachable: nothing to relay from; try again later.
            LOG.warnf("outbox relay: %s", e.getMessage());
            throw e;
        }
        if (failed) {
            throw new SendFailed(); // after the commit that recorded the attempt
        }
    }

    /** Deletes events published longer ago than {@code wordlm.outbox.retention}. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgePublished() {
        Instant cutoff = Instant.now().minus(settings.outbox().retention());
        long deleted = QuarkusTransaction.requiringNew().call(
                () -> OutboxMessage.delete("publishedAt is not null and publishedAt < ?1", cutoff));
        if (deleted > 0) {
            LOG.debugf("outbox: deleted %d published events", deleted);
        }
    }

    private void send(OutboxMessage m) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(m.topic)
                .withKey(m.key)
                .build();
        emitter.sendMessage(Message.of(m.payload).addMetadata(metadata))
                .await().atMost(settings.outbox().sendTimeout());
    }

    private boolean lock() {
        Object locked = em.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, LOCK_ID)
                .getSingleResult();
        return Boolean.TRUE.equals(locked);
    }

    /** A send failed; already logged and recorded on its row. */
    private static final class SendFailed extends RuntimeException {
        SendFailed() {
            super("an event could not be sent", null, false, false);
        }
    }

    /** The service is shutting down: no more retries. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("shutting down", null, false, false);
        }
    }
}
