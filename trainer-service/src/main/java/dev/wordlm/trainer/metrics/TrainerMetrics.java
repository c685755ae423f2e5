package dev.wordlm.trainer.metrics;

import dev.wordlm.events.RunStatus;
import dev.wordlm.train.TrainingListener.BatchProgress;
import dev.wordlm.trainer.outbox.OutboxMessage;
import dev.wordlm.trainer.run.TrainingRun;
import dev.wordlm.trainer.training.LocalRuns;
import dev.wordlm.trainer.training.TrainingSession;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Prometheus metrics (at /q/metrics): {@code wordlm_runs{status}} (all replicas, from the database, refreshed every
 * 10 s), {@code wordlm_training_tokens_per_second} and {@code wordlm_training_active_runs} (this replica),
 * {@code wordlm_epoch_duration_seconds} (a timer per finished epoch) and {@code wordlm_outbox_pending}.
 */
@ApplicationScoped
@Startup
public class TrainerMetrics {
    private static final Logger LOG = Logger.getLogger(TrainerMetrics.class);

    private final Map<RunStatus, AtomicLong> runs = new EnumMap<>(RunStatus.class);
    private final AtomicLong outboxPending = new AtomicLong();
    private final Timer epochDuration;

    public TrainerMetrics(MeterRegistry registry, LocalRuns localRuns) {
        for (RunStatus s : RunStatus.values()) {
            AtomicLong count = new AtomicLong();
            runs.put(s, count);
            Gauge.builder("wordlm.runs", count, AtomicLong::get)
                    .description("Training runs by status (all replicas)")
                    .tag("status", s.name())
                    .register(registry);
        }
        Gauge.builder("wordlm.training.tokens.per.second", localRuns, TrainerMetrics::tokensPerSecond)
                .description("Training throughput of the runs on this replica, at their latest log interval")
                .register(registry);
        Gauge.builder("wordlm.training.active.runs", localRuns, l -> l.sessions().size())
                .description("Runs training on this replica")
                .register(registry);
        Gauge.builder("wordlm.outbox.pending", outboxPending, AtomicLong::get)
                .description("Events not yet relayed to Kafka")
                .register(registry);
        epochDuration = Timer.builder("wordlm.epoch.duration")
                .description("Time of one training epoch including validation")
                .publishPercentileHistogram(false)
                .register(registry);
    }

    public void epochFinished(double seconds) {
        epochDuration.record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<Object[]> rows = TrainingRun.getEntityManager()
                        .createQuery("select r.status, count(r) from TrainingRun r group by r.status", Object[].class)
                        .getResultList();
                runs.values().forEach(c -> c.set(0));
                for (Object[] row : rows) {
                    runs.get((RunStatus) row[0]).set((Long) row[1]);
                }
                outboxPending.set(OutboxMessage.count("publishedAt is null"));
            });
        } catch (RuntimeException e) {
            LOG.debugf("cannot refresh run metrics: %s", e.getMessage());
        }
    }

    private static double tokensPerSecond(LocalRuns localRuns) {
        double sum = 0;
        for (TrainingSession s : localRuns.sessions()) {
            BatchProgress p = s.progress(); // read once: the training thread clears it at the end of an epoch
            if (p != null) {
                sum += p.tokensPerSecond();
            }
        }
        return sum;
    }
}
