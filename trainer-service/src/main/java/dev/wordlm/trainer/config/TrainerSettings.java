package dev.wordlm.trainer.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** The {@code wordlm.*} keys of application.properties. */
@ConfigMapping(prefix = "wordlm")
public interface TrainerSettings {

    /** Datasets: {@code <data-root>/<name>/{train,valid,test}.txt}. */
    Path dataRoot();

    /** Checkpoints: {@code <checkpoint-dir>/<run id>/...}. */
    Path checkpointDir();

    /** Base URL of this service as other services reach it (checkpoint download links). */
    String publicUrl();

    /** Which device runs get when their request does not say. */
    @WithDefault("auto")
    DevicePreference device();

    Trainer trainer();

    Outbox outbox();

    Retention retention();

    Datasets datasets();

    Console console();

    interface Console {
        /** The generator's web console as a browser reaches it (the console's link to it). */
        String generatorUrl();
    }

    interface Trainer {
        /** Runs trained at once by this replica (one Kafka consumer each). */
        @WithDefault("1")
        int concurrency();

        /** A RUNNING run whose heartbeat is older than this may be taken over by another trainer. */
        @WithDefault("30s")
        Duration leaseTimeout();

        /** How often a trainer renews its leases, saves progress and looks for cancel requests. */
        @WithDefault("5s")
        Duration heartbeatInterval();

        /** PyTorch intra-op threads per run; 0 = the CPUs this process may use divided by {@link #concurrency()}. */
        @WithDefault("0")
        int threads();
    }

    interface Outbox {
        @WithDefault("1s")
        Duration pollInterval();

        /** Longest wait for Kafka to acknowledge one event before the relay tries again later. */
        @WithDefault("20s")
        Duration sendTimeout();

        @WithDefault("100")
        int batchSize();

        @WithDefault("24h")
        Duration retention();
    }

    interface Retention {
        /**
         * Published checkpoints kept of each finished run, newest first (each published checkpoint improved on the
         * one before, so the newest is the run's best); 0 keeps them all.
         */
        @WithDefault("1")
        int checkpointsPerRun();

        /**
         * How long a generator's hold on a checkpoint (the one it serves or has pinned) keeps retention from removing
         * it, unless the generator renews it; generators renew at a third of this.
         */
        @WithDefault("1h")
        Duration holdDuration();

        /** How often finished runs' leftovers are looked for: deletions a crash interrupted, files of deleted runs. */
        @WithDefault("10m")
        Duration sweepInterval();
    }

    interface Datasets {
        /** Total size of all uploaded datasets; an upload that would exceed it is refused. */
        @WithDefault("2G")
        MemorySize uploadQuota();
    }

    /** {@link #publicUrl()} without a trailing slash. */
    default String baseUrl() {
        String url = publicUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
