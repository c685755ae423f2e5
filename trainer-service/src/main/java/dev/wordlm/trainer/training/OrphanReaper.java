package dev.wordlm.trainer.training;

import dev.wordlm.events.Topics;
import dev.wordlm.events.TrainingRequested;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.trainer.config.TrainerSettings;
import dev.wordlm.trainer.json.JsonCodec;
import dev.wordlm.trainer.outbox.Outbox;
import dev.wordlm.trainer.run.TrainingRun;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Queues a new training request for each RUNNING run whose trainer is gone: lease expired for twice its timeout, or
 * released at shutdown. Usually Kafka already redelivers the dead trainer's unacknowledged request to a live one; this
 * covers the rest (a request that another consumer skipped while the run still had a live lease, a process killed at
 * the wrong moment). A run is queued again only once per claim ({@code requeued_at}); duplicates are harmless because
 * claiming is idempotent.
 */
@ApplicationScoped
public class OrphanReaper {
    private static final Logger LOG = Logger.getLogger(OrphanReaper.class);
    private static final String ORPHANS = """
            select id from runs
             where status = 'RUNNING'
               and (heartbeat_at is null or heartbeat_at < now() - ?1 * interval '1 second')
               and (requeued_at is null or (heartbeat_at is not null and requeued_at < heartbeat_at))
             order by created_at
             for update skip locked""";

    private final EntityManager em;
    private final Outbox outbox;
    private final JsonCodec json;
    private final double graceSeconds;

    public OrphanReaper(EntityManager em, Outbox outbox, JsonCodec json, TrainerSettings settings) {
        this.em = em;
        this.outbox = outbox;
        this.json = json;
        this.graceSeconds = 2 * settings.trainer().leaseTimeout().toMillis() / 1000.0;
    }

    @Scheduled(every = "${wordlm.trainer.lease-timeout}", delayed = "${wordlm.trainer.lease-timeout}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            requeueOrphans();
        } catch (RuntimeException e) {
            LOG.warnf("cannot look for orphaned runs: %s", e.getMessage());
        }
    }

    @Transactional
    void requeueOrphans() {
        @SuppressWarnings("unchecked")
        List<UUID> ids = em.createNativeQuery(ORPHANS, UUID.class).setParameter(1, graceSeconds).getResultList();
        Instant now = Instant.now();
        for (UUID id : ids) {
            // The database clock, like heartbeat_at it is compared with.
            em.createNativeQuery("update runs set requeued_at = now() where id = ?1").setParameter(1, id).executeUpdate();
            TrainingRun run = TrainingRun.findById(id);
            TrainConfig config = json.read(run.configJson, TrainConfig.class);
            outbox.append(Topics.TRAINING_REQUESTS, id, TrainingRequested.of(id, run.name, run.dataset, config, now));
            LOG.infof("run %s: its trainer %s is gone (last heartbeat %s); queued it again to resume", id,
                    run.owner == null ? "(released)" : run.owner, run.heartbeatAt);
        }
    }
}
