package dev.wordlm.trainer.training;

import dev.wordlm.trainer.config.TrainerSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
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
 *
 * <p>Waiting and retrying is a Fault Tolerance retry, every {@code wordlm.trainer.heartbeat-interval}.
 */
@ApplicationScoped
public class RunDispatcher {
    private static final Logger LOG = Logger.getLogger(RunDispatcher.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final RunLeases leases;
    private final RunExecution execution;
    private final LocalRuns localRuns;
    private final Duration heldPatience;
    /** Every heartbeat interval, until the request is answered or this trainer stops. */
    private final Guard retries;
    private final ExecutorService workers;
    private volatile boolean stopping;

    public RunDispatcher(RunLeases leases, RunExecution execution, LocalRuns localRuns, TrainerSettings settings) {
        this.leases = leases;
        this.execution = execution;
        this.localRuns = localRuns;
        this.retries = Guard.create()
                .withDescription("training request")
                .withRetry()
                    .maxRetries(-1)
                    .maxDuration(0, ChronoUnit.MILLIS) // none: a run held elsewhere ends, a database comes back
                    .delay(settings.trainer().heartbeatInterval().toMillis(), ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    .abortOn(Stopping.class)
                    .done()
                .build();
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
        long[] heldSince = {0};
        try {
            return retries.call(() -> attempt(runId, heldSince), Boolean.class);
        } catch (Stopping e) {
            return false;
        } catch (Exception e) {
            LOG.warnf("run %s: stopped retrying (%s); request left unacknowledged", runId, e.toString()); // interrupted
            return false;
        }
    }

    /** One try at the request: its answer, or {@link TryAgain} (or the database's exception) to be retried. */
    private boolean attempt(UUID runId, long[] heldSince) {
        if (stopping) {
            throw new Stopping();
        }
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
                        heldSince[0] = heldSince[0] == 0 ? System.nanoTime() : heldSince[0];
                        if (System.nanoTime() - heldSince[0] > heldPatience.toNanos()) {
                            LOG.infof("run %s: %s, which is alive; request ignored", runId, claim.detail());
                            return true;
                        }
                        LOG.debugf("run %s: %s; waiting for it to end or its lease to expire", runId, claim.detail());
                        throw new TryAgain();
                    }
                    case CLAIMED -> {
                        RunExecution.Outcome outcome = execution.execute(claim.run(), new TrainingSession(runId));
                        if (outcome == RunExecution.Outcome.RETRY) {
                            throw new TryAgain();
                        }
                        return outcome == RunExecution.Outcome.DONE;
                    }
                    default -> throw new IllegalStateException("claim " + claim.kind());
                }
            } finally {
                localRuns.unreserve(runId);
            }
        } catch (TryAgain e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warnf("run %s: cannot reach the database (%s); retrying", runId, e.getMessage());
            throw e;
        }
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

    /** Not an answer yet: the run is held elsewhere, or its execution asked to be tried again. */
    private static final class TryAgain extends RuntimeException {
        TryAgain() {
            super("try again", null, false, false);
        }
    }

    /** This trainer is shutting down: the request stays unacknowledged. */
    private static final class Stopping extends RuntimeException {
        Stopping() {
            super("shutting down", null, false, false);
        }
    }
}
