package dev.wordlm.trainer.retention;

import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Generators' holds on checkpoints: a generator holds the checkpoint it serves or has pinned, so that retention does
 * not remove it when its run ends, even when it is not the run's newest. A hold is a lease of
 * {@code wordlm.retention.hold-duration} that its holder renews; one that lapses (its generator is gone) no longer
 * protects anything. Deleting a run on purpose deletes its checkpoints whatever holds them.
 */
@ApplicationScoped
public class CheckpointHolds {
    private final EntityManager em;
    private final Duration duration;

    public CheckpointHolds(EntityManager em, TrainerSettings settings) {
        this.em = em;
        this.duration = settings.retention().holdDuration();
    }

    /** Places or renews a hold; returns when it lapses, or null if there is no such checkpoint. */
    public Instant hold(UUID checkpointId, String holder) {
        Instant expires = Instant.now().plus(duration);
        int placed = QuarkusTransaction.joiningExisting().call(() -> em.createNativeQuery("""
                insert into checkpoint_holds (checkpoint_id, holder, expires_at)
                select id, ?2, ?3 from checkpoints where id = ?1
                on conflict (checkpoint_id, holder) do update set expires_at = excluded.expires_at""")
                .setParameter(1, checkpointId).setParameter(2, holder).setParameter(3, expires).executeUpdate());
        return placed == 0 ? null : expires;
    }

    /** Releases a hold; true if there was one. */
    public boolean release(UUID checkpointId, String holder) {
        return QuarkusTransaction.joiningExisting().call(() -> em.createNativeQuery(
                "delete from checkpoint_holds where checkpoint_id = ?1 and holder = ?2")
                .setParameter(1, checkpointId).setParameter(2, holder).executeUpdate()) > 0;
    }

    /** Forgets lapsed holds; returns how many. */
    public int forgetLapsed() {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "delete from checkpoint_holds where expires_at <= now()").executeUpdate());
    }
}
