package dev.wordlm.trainer.training;

import dev.wordlm.events.RunStatus;
import dev.wordlm.trainer.config.TrainerSettings;
import dev.wordlm.trainer.json.JsonCodec;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.TrainingListener.BatchProgress;
import dev.wordlm.trainer.run.TrainingRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which trainer runs which run. A trainer claims a run with one conditional UPDATE: a QUEUED run, a RUNNING run whose
 * lease expired (its trainer died) or one it held itself before. It then renews the lease with heartbeats. Lease times
 * are the database's clock, so replicas' clocks do not matter.
 */
@ApplicationScoped
public class RunLeases {
    private static final String CLAIM = """
            update runs set status = 'RUNNING', owner = ?1, heartbeat_at = now(), updated_at = now(),
                   started_at = coalesce(started_at, now()), attempts = attempts + 1
             where id = ?2
               and (status = 'QUEUED'
                    or (status = 'RUNNING'
                        and (owner is null or owner = ?1 or heartbeat_at is null
                             or heartbeat_at < now() - ?3 * interval '1 second')))""";
    private static final String BEAT = """
            update runs set heartbeat_at = now() where id = ?1 and owner = ?2 and status = 'RUNNING'""";
    private static final String BEAT_WITH_PROGRESS = """
            update runs set heartbeat_at = now(), updated_at = now(), epoch = ?3, batch = ?4, batches = ?5, lr = ?6,
                   tokens_per_second = ?7, train_loss = ?8
             where id = ?1 and owner = ?2 and status = 'RUNNING'""";
    private static final String RELEASE = """
            update runs set owner = null, heartbeat_at = null, updated_at = now()
             where id = ?1 and owner = ?2 and status = 'RUNNING'""";

    public enum Kind {
        /** This trainer holds the lease now: train it. */
        CLAIMED,
        /** Another trainer holds a live lease: it trains the run. */
        HELD,
        /** COMPLETED, FAILED or CANCELLED: nothing to do. */
        FINISHED,
        /** No such run in the database. */
        UNKNOWN
    }

    /** @param run set when {@code kind} is CLAIMED; @param detail the owner or status, for the log */
    public record Claim(Kind kind, RunSnapshot run, String detail) {
    }

    private final EntityManager em;
    private final JsonCodec json;
    private final String instanceId;
    private final double leaseSeconds;

    public RunLeases(EntityManager em, JsonCodec json, TrainerSettings settings) {
        this.em = em;
        this.json = json;
        this.leaseSeconds = settings.trainer().leaseTimeout().toMillis() / 1000.0;
        byte[] suffix = new byte[4];
        ThreadLocalRandom.current().nextBytes(suffix);
        this.instanceId = System.getenv().getOrDefault("HOSTNAME", "trainer") + "-" + HexFormat.of().formatHex(suffix);
    }

    /** This process's name in the {@code owner} column; new at every start, so a restarted trainer is another owner. */
    public String instanceId() {
        return instanceId;
    }

    @Transactional
    public Claim claim(UUID runId) {
        int updated = em.createNativeQuery(CLAIM)
                .setParameter(1, instanceId)
                .setParameter(2, runId)
                .setParameter(3, leaseSeconds)
                .executeUpdate();
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null) {
            return new Claim(Kind.UNKNOWN, null, "unknown run");
        }
        if (updated == 1) {
            return new Claim(Kind.CLAIMED, new RunSnapshot(run.id, run.dataset,
                    json.read(run.configJson, TrainConfig.class), run.cancelRequested), instanceId);
        }
        if (run.status.isTerminal()) {
            return new Claim(Kind.FINISHED, null, run.status.name());
        }
        return new Claim(Kind.HELD, null, run.status == RunStatus.RUNNING ? "trained by " + run.owner : run.status.name());
    }

    /**
     * Renews the lease and saves the latest progress.
     *
     * @return empty when the lease is lost (another trainer took the run), else whether a cancel was requested
     */
    @Transactional
    public Optional<Boolean> heartbeat(UUID runId, BatchProgress p) {
        var update = p == null
                ? em.createNativeQuery(BEAT)
                : em.createNativeQuery(BEAT_WITH_PROGRESS)
                        .setParameter(3, p.epoch())
                        .setParameter(4, p.batch())
                        .setParameter(5, p.batches())
                        .setParameter(6, p.lr())
                        .setParameter(7, p.tokensPerSecond())
                        .setParameter(8, p.loss());
        int updated = update.setParameter(1, runId).setParameter(2, instanceId).executeUpdate();
        if (updated == 0) {
            return Optional.empty();
        }
        TrainingRun run = TrainingRun.findById(runId);
        return Optional.of(run.cancelRequested);
    }

    /** Gives up the lease of a run this trainer leaves unfinished, so the next trainer need not wait for it to expire. */
    @Transactional
    public void release(UUID runId) {
        em.createNativeQuery(RELEASE).setParameter(1, runId).setParameter(2, instanceId).executeUpdate();
    }
}
