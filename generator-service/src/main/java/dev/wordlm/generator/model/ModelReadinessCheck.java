package dev.wordlm.generator.model;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once a model is served: a replica without one would answer every generation with 503. */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {
    private final ModelHolder holder;

    public ModelReadinessCheck(ModelHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("model");
        return holder.current()
                .map(served -> response.up()
                        .withData("checkpointId", served.checkpoint().checkpointId().toString())
                        .withData("runId", String.valueOf(served.checkpoint().runId()))
                        .build())
                .orElseGet(() -> response.down().withData("reason", "no checkpoint loaded yet").build());
    }
}
