package dev.wordlm.trainer.outbox;

import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sends the outbox to Kafka: unpublished rows in id order, each marked published once Kafka acknowledged it. When a
 * send fails (Kafka down) the row and those after it stay and are retried after a back-off, so events keep their
 * order and none is lost; a crash between the send and the commit resends (at-least-once: consumers are
 * idempotent). One replica relays at a time, under a PostgreSQL advisory lock.
 *
 * <p>It runs on its own thread, woken right after each commit that added events ({@link #wakeUp()}) and every
 * {@code wordlm.outbox.poll-interval} otherwise (rows left by another replica, retries).
 */
@ApplicationScoped
public class OutboxRelay {
    public static final String CHANNEL = "outbox";
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id of the relay ("wordlm" + 1). */
    private static final long LOCK_ID = 0x776f72646c6d01L;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final MutinyEmitter<String> emitter;
    private final EntityManager em;
    private final TrainerSettings settings;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile Instant pausedUntil = Instant.EPOCH;
    private volatile int consecutiveFailures;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(@Channel(CHANNEL) MutinyEmitter<String> emitter, EntityManager em, TrainerSettings settings) {
        this.emitter = emitter;
        this.em = em;
        this.settings = settings;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** New events were committed: relay them now rather than at the next poll. */
    public void wakeUp() {
        wakeUps.release();
    }

    private void loop() {
        long pollMillis = settings.outbox().pollInterval().toMillis();
        while (running) {
            try {
                wakeUps.tryAcquire(pollMillis, TimeUnit.MILLISECONDS);
                wakeUps.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (!running || Instant.now().isBefore(pausedUntil)) {
                continue;
            }
            try {
                relayPending();
            } catch (RuntimeException e) {
                if (running) {
                    // The database is unreachable: nothing to relay from; try again later.
                    LOG.warnf("outbox relay: %s", e.getMessage());
                    backOff();
                }
            }
        }
    }

    /** Sends pending events in order until one fails. */
    private void relayPending() {
        int timeout = (int) settings.outbox().sendTimeout().multipliedBy(2).toSeconds() + 30;
        QuarkusTransaction.requiringNew().timeout(timeout).run(() -> {
            if (!lock()) {
                return; // another replica is relaying
            }
            List<OutboxMessage> pending = OutboxMessage.<OutboxMessage>find("publishedAt is null order by id")
                    .page(0, settings.outbox().batchSize()).list();
            int sent = 0;
            for (OutboxMessage m : pending) {
                try {
                    send(m);
                } catch (RuntimeException e) {
                    m.attempts++;
                    m.lastError = String.valueOf(e.getMessage());
                    LOG.warnf("outbox relay: cannot send event %d to %s (attempt %d), will retry: %s", m.id, m.topic,
                            m.attempts, e.getMessage());
                    backOff();
                    break;
                }
                m.publishedAt = Instant.now();
                sent++;
            }
            if (sent > 0) {
                consecutiveFailures = 0;
            }
        });
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

    private void backOff() {
        int failures = Math.min(++consecutiveFailures, 5);
        Duration delay = Duration.ofMillis(500L << failures);
        pausedUntil = Instant.now().plus(delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay);
    }
}
