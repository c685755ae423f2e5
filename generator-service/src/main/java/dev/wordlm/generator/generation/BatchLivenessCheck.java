package dev.wordlm.generator.generation;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while every batch lane's thread runs: a replica whose lane died cannot generate, and a restart helps. */
@Liveness
@ApplicationScoped
public class BatchLivenessCheck implements HealthCheck {
    private final StreamBatcher batcher;

    public BatchLivenessCheck(StreamBatcher batcher) {
        this.batcher = batcher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("generation-lanes").status(batcher.running())
                .withData("lanes", batcher.lanes()).build();
    }
}
