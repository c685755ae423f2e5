package dev.wordlm.trainer.run;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One finished epoch of a run. A resumed run that repeats an epoch replaces its row. */
@Entity
@Table(name = "epoch_metrics")
public class EpochMetricRecord extends PanacheEntityBase {

    @Embeddable
    public record Key(@Column(name = "run_id") UUID runId, int epoch) implements Serializable {
    }

    @EmbeddedId
    public Key key;

    @Column(name = "train_loss")
    public Double trainLoss;

    @Column(name = "valid_loss")
    public double validLoss;

    public double lr;

    public double seconds;

    @Column(name = "tokens_per_second")
    public double tokensPerSecond;

    @Column(name = "recorded_at")
    public Instant recordedAt;

    public static List<EpochMetricRecord> ofRun(UUID runId) {
        return list("key.runId = ?1 order by key.epoch", runId);
    }
}
