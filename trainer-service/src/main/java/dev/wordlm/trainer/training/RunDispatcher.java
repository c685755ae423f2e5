package dev.wordlm.trainer.training;

import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Handles training requests on its own threads ({@code wordlm.trainer.concurrency} of them), never on the Kafka
 * consumer's event loop. For each request: claim the run, train it, and say whether the request may be acknowledged.
 *
 * <ul>
 *   <li>finished run, or one this process already trains: acknowledge, nothing to do (idempotent);</li>
 *   <li>QUEUED, or RUNNING with an expired lease (its trainer died): train it, resuming from its last epoch;</li>
 *   <li>RUNNING with a live lease elsewhere: wait up to two lease periods for it to end or expire. A redelivered
 *       request usually means its trainer was just killed, and waiting resumes the run as soon as the lease runs
 *       out; if the trainer is alive after all (the request moved in a rebalance), acknowledge and leave the run
 *       to it ({@link OrphanReaper} re-queues it should that trainer die later);</li>
 *   <li>database unreachable: retry until it answers, the request stays unacknowledged meanwhile;</li>
 *   <li>shutting down: never acknowledge, so Kafka redelivers the request to a live trainer.</li>
 * </ul>
 */
@ApplicationScoped
public class RunDispatcher {
    private static final Logger LOG = Logger.getLogger(RunDispatcher.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final RunLeases leases;
    private final RunExecution execution;
    private final LocalRuns localRuns;
    private final Duration retryDelay;
    private final Duration heldPatience;
    private final ExecutorService workers;
    private volatile boolean stopping;

    public RunDispatcher(RunLeases leases, RunExecution execution, LocalRuns localRuns, TrainerSettings settings) {
        this.leases = leases;
        this.execution = execution;
        this.localRuns = localRuns;
        this.retryDelay = settings.trainer().heartbeatInterval();
        this.heldPatience = settings.trainer().leaseTimeout().multipliedBy(2);
        AtomicInteger n = new AtomicInteger();
        // One thread per consumer: each consumer hands over one request at a time, so no task ever queues here.
        this.workers = Executors.newFixedThreadPool(Math.max(1, settings.trainer().concurrency()), r -> {
            Thread t = new Thread(r, "trainer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes with {@code true} when the request can be acknowledged, {@code false} if it must not be. */
    public CompletableFuture<Boolean> submit(UUID runId) {
        try {
            return CompletableFuture.supplyAsync(() -> process(runId), workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(false); // shutting down: leave it to another trainer
        }
    }

    boolean process(UUID runId) {
        long heldSince = 0;
        while (!stopping) {
            try {
                if (!localRuns.reserve(runId)) {
                    LOG.infof("run %s: already being handled by this trainer; duplicate request ignored", runId);
                    return true;
                }
                try {
                    RunLeases.Claim claim = leases.claim(runId);
                    switch (claim.kind()) {
                        case UNKNOWN -> {
                            LOG.warnf("run %s: request for a run that does not exist; ignored", runId);
                            return true;
                        }
                        case FINISHED -> {
                            LOG.infof("run %s: %s; request ignored", runId, claim.detail());
                            return true;
                        }
                        case HELD -> {
                            heldSince = heldSince == 0 ? System.nanoTime() : heldSince;
                            if (System.nanoTime() - heldSince > heldPatience.toNanos()) {
                                LOG.infof("run %s: %s, which is alive; request ignored", runId, claim.detail());
                                return true;
                            }
                            LOG.debugf("run %s: %s; waiting for it to end or its lease to expire", runId,
                                    claim.detail());
                        }
                        case CLAIMED -> {
                            RunExecution.Outcome outcome = execution.execute(claim.run(), new TrainingSession(runId));
                            if (outcome != RunExecution.Outcome.RETRY) {
                                return outcome == RunExecution.Outcome.DONE;
                            }
                        }
                    }
                } finally {
                    localRuns.unreserve(runId);
                }
            } catch (RuntimeException e) {
                LOG.warnf("run %s: cannot reach the database (%s); retrying", runId, e.getMessage());
            }
            try {
                Thread.sleep(retryDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * Stops local training without finishing it: each run stops after its current batch, releases its lease and keeps
     * its request unacknowledged, so another trainer resumes it from its last epoch at once.
     */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        localRuns.sessions().forEach(s -> s.abandon(Abandoned.Reason.SHUTDOWN));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("training threads did not stop in time; their leases expire instead");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
