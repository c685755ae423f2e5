package dev.wordlm.trainer.training;

import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The heartbeat of the runs trained here: renews their leases, saves their progress, and passes on cancel requests
 * made through any replica. A run whose lease another trainer took, or whose heartbeats cannot reach the database
 * for most of a lease period, is abandoned: by then another trainer may take it over, and two must never train it.
 */
@ApplicationScoped
public class LeaseKeeper {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final LocalRuns localRuns;
    private final RunLeases leases;
    private final long giveUpMillis;

    public LeaseKeeper(LocalRuns localRuns, RunLeases leases, TrainerSettings settings) {
        this.localRuns = localRuns;
        this.leases = leases;
        this.giveUpMillis = settings.trainer().leaseTimeout().toMillis() * 2 / 3;
    }

    @Scheduled(every = "${wordlm.trainer.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void beat() {
        for (TrainingSession session : localRuns.sessions()) {
            try {
                Optional<Boolean> cancelRequested = leases.heartbeat(session.runId(), session.progress());
                if (cancelRequested.isEmpty()) {
                    LOG.warnf("run %s: another trainer took it over; stopping here", session.runId());
                    session.abandon(Abandoned.Reason.LEASE_LOST);
                    continue;
                }
                session.heartbeatSucceeded();
                if (cancelRequested.get()) {
                    session.cancel();
                }
            } catch (RuntimeException e) {
                if (session.millisSinceHeartbeat() > giveUpMillis) {
                    LOG.warnf("run %s: no heartbeat for %d ms (%s); stopping until the database is back",
                            session.runId(), session.millisSinceHeartbeat(), e.getMessage());
                    session.abandon(Abandoned.Reason.STORE_UNAVAILABLE);
                }
            }
        }
    }
}
