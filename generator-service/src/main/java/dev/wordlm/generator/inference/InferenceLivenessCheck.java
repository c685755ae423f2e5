package dev.wordlm.generator.inference;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the inference workers run. Deliberately independent of Kafka and of the model: a replica waiting for
 * its first checkpoint or for the broker is not-ready, and restarting it would not help.
 */
@Liveness
@ApplicationScoped
public class InferenceLivenessCheck implements HealthCheck {
    private final InferenceScheduler scheduler;

    public InferenceLivenessCheck(InferenceScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("inference")
                .status(scheduler.running())
                .withData("threads", scheduler.threads())
                .withData("queueDepth", scheduler.queueDepth())
                .build();
    }
}
