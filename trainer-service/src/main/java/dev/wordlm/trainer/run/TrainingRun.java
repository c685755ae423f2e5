package dev.wordlm.trainer.run;

import dev.wordlm.events.RunStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A training run: what was asked for, where it stands, who trains it (the lease), and its results.
 *
 * <p>Updates write only the changed columns: the training thread, the heartbeat and a cancel request touch
 * different columns of the same row, and none may overwrite another's.
 */
@Entity
@Table(name = "runs")
@DynamicUpdate
public class TrainingRun extends PanacheEntityBase {
    @Id
    public UUID id;

    public String name;

    public String dataset;

    @Enumerated(EnumType.STRING)
    public RunStatus status;

    /** {@link dev.wordlm.train.TrainConfig} as JSON. */
    @Column(name = "config", columnDefinition = "jsonb")
    @ColumnTransformer(write = "cast(? as jsonb)")
    public String configJson;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /** Instance id of the trainer holding the lease, while RUNNING. */
    public String owner;

    /** Written with the database clock only (leases are compared with it). */
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    @Column(name = "requeued_at")
    public Instant requeuedAt;

    /** How many times a trainer took the run up (more than one: it was resumed). */
    public int attempts;

    @Column(name = "cancel_requested")
    public boolean cancelRequested;

    /** Deleted once it has ended: asked for while it was RUNNING, so it was cancelled first. */
    @Column(name = "delete_requested")
    public boolean deleteRequested;

    @Column(name = "resumed_from_epoch")
    public Integer resumedFromEpoch;

    /** Epoch in progress (or last completed). */
    public Integer epoch;

    @Column(name = "epochs_completed")
    public int epochsCompleted;

    public Integer batch;

    public Integer batches;

    public Double lr;

    @Column(name = "tokens_per_second")
    public Double tokensPerSecond;

    /** Latest training loss: of the last logged batches during an epoch, of the whole epoch at its end. */
    @Column(name = "train_loss")
    public Double trainLoss;

    @Column(name = "valid_loss")
    public Double validLoss;

    @Column(name = "best_valid_loss")
    public Double bestValidLoss;

    @Column(name = "test_loss")
    public Double testLoss;

    public String error;
}
