package dev.wordlm.generator.generation;

import dev.wordlm.generator.config.GeneratorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Continuous batching: a few {@link BatchLane}s (one per core by default), each advancing all of its streams in one
 * batched step per word. A new stream joins the lane with the fewest, so the cores share the streams while each
 * lane still reads a model's weights once per step for all of its own.
 */
@ApplicationScoped
public class StreamBatcher {
    private final List<BatchLane> lanes = new ArrayList<>();

    public StreamBatcher(GenerationMetrics metrics, GeneratorConfig config) {
        GeneratorConfig.Generation g = config.generation();
        int count = g.threads() > 0 ? g.threads() : Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < count; i++) {
            BatchLane lane = new BatchLane("generation-lane-" + (i + 1), metrics, g.maxBatch(), g.batchWait());
            lanes.add(lane);
            lane.start();
        }
    }

    void join(GenerationJob job) {
        BatchLane least = lanes.get(0);
        for (BatchLane lane : lanes) {
            if (lane.load() < least.load()) {
                least = lane;
            }
        }
        least.join(job);
    }

    /** Whether every lane's thread runs (for the liveness check). */
    public boolean running() {
        return lanes.stream().allMatch(BatchLane::alive);
    }

    public int lanes() {
        return lanes.size();
    }

    @PreDestroy
    void shutdown() {
        lanes.forEach(BatchLane::stop);
    }
}
