package dev.wordlm.trainer.checkpoint;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/** A best model of a run, kept as an immutable file that generators download. */
@Entity
@Table(name = "checkpoints")
public class CheckpointRecord extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "run_id")
    public UUID runId;

    public int epoch;

    @Column(name = "valid_loss")
    public double validLoss;

    public String sha256;

    @Column(name = "size_bytes")
    public long sizeBytes;

    /** Path relative to {@code wordlm.checkpoint-dir}. */
    public String file;

    /** {@link dev.wordlm.model.ModelConfig} as JSON. */
    @Column(name = "model", columnDefinition = "jsonb")
    @ColumnTransformer(write = "cast(? as jsonb)")
    public String modelJson;

    @Column(name = "created_at")
    public Instant createdAt;

    public static List<CheckpointRecord> ofRun(UUID runId) {
        return list("runId = ?1 order by epoch, createdAt", runId);
    }
}
