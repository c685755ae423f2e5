package dev.wordlm.trainer.live;

import dev.wordlm.events.RunStatus;
import dev.wordlm.events.RunStatusChanged;
import dev.wordlm.trainer.run.EpochMetricView;
import dev.wordlm.trainer.run.RunQueries;
import dev.wordlm.trainer.run.RunView;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The live event stream of one run: first a {@code run} event with the run as it is, then the events of the trainer
 * in this process ({@link RunEventHub}), completed after the final {@code status}. A run trained by another replica
 * (or not yet started) is followed by polling the database, which yields its {@code status} and {@code epoch}
 * events, though not its batch logs.
 */
@ApplicationScoped
public class RunEventStream {
    private static final Logger LOG = Logger.getLogger(RunEventStream.class);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

    private final RunEventHub hub;
    private final RunQueries queries;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-events-poller");
        t.setDaemon(true);
        return t;
    });

    public RunEventStream(RunEventHub hub, RunQueries queries) {
        this.hub = hub;
        this.queries = queries;
    }

    /** Opens the stream; an unknown run id fails here, before the response starts (404). */
    public Multi<LiveEvent> open(UUID runId) {
        // Listen first, then read the run: every event is either in the snapshot or arrives after it.
        Follower follower = new Follower(runId);
        try {
            follower.snapshot(queries.view(runId));
        } catch (RuntimeException e) {
            follower.close();
            throw e;
        }
        return Multi.createFrom().<LiveEvent>emitter(follower::attach, BackPressureStrategy.BUFFER);
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }

    /** One subscriber's state: what it has been sent, so the local and polled sources never repeat an event. */
    private final class Follower {
        private final UUID runId;
        private final AutoCloseable subscription;
        private final List<LiveEvent> early = new ArrayList<>();
        private RunView initial;
        private MultiEmitter<? super LiveEvent> emitter;
        private RunStatus status;
        private int epochsSent;
        private boolean done;
        private ScheduledFuture<?> polling;

        Follower(UUID runId) {
            this.runId = runId;
            this.subscription = hub.subscribe(runId, this::onEvent);
        }

        synchronized void snapshot(RunView run) {
            initial = run;
            status = run.status();
            epochsSent = run.progress().epochsCompleted();
        }

        /** The client subscribed: the snapshot, the events that came meanwhile, then live ones. */
        synchronized void attach(MultiEmitter<? super LiveEvent> multiEmitter) {
            emitter = multiEmitter;
            emitter.onTermination(this::close);
            emitter.emit(new LiveEvent(LiveEvent.RUN, initial));
            if (status.isTerminal()) {
                finish();
                return;
            }
            early.forEach(this::deliver);
            early.clear();
            if (!done) {
                long every = POLL_INTERVAL.toMillis();
                polling = poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
            }
        }

        private synchronized void onEvent(LiveEvent event) {
            if (emitter == null) {
                early.add(event);
            } else {
                deliver(event);
            }
        }

        private void deliver(LiveEvent event) {
            if (done) {
                return;
            }
            if (event.data() instanceof EpochMetricView epoch) {
                if (epoch.epoch() <= epochsSent) {
                    return;
                }
                epochsSent = epoch.epoch();
            }
            if (event.data() instanceof RunStatusChanged change) {
                if (change.status() == status) {
                    return;
                }
                status = change.status();
            }
            emitter.emit(event);
            if (status.isTerminal()) {
                finish();
            }
        }

        /** Another replica's run (or a missed event): the database says what changed. */
        private void poll() {
            try {
                RunQueries.State now = queries.state(runId);
                if (now.epochsCompleted() > epochsSent()) {
                    for (EpochMetricView m : queries.metrics(runId)) {
                        onEvent(new LiveEvent(LiveEvent.EPOCH, m));
                    }
                }
                onEvent(new LiveEvent(LiveEvent.STATUS, RunStatusChanged.of(runId, now.status(), now.error(),
                        Instant.now())));
            } catch (RuntimeException e) {
                LOG.debugf("polling run %s for its event stream: %s", runId, e.getMessage());
            }
        }

        private synchronized int epochsSent() {
            return epochsSent;
        }

        private void finish() {
            done = true;
            emitter.complete();
        }

        synchronized void close() {
            done = true;
            if (polling != null) {
                polling.cancel(false);
            }
            try {
                subscription.close();
            } catch (Exception ignored) {
                // closing a hub subscription does not fail
            }
        }
    }
}
