package dev.wordlm.trainer.health;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the Kafka cluster answers. Bounded to a couple of seconds, so a probe gets DOWN rather than no answer
 * while Kafka is unreachable (Quarkus' own Kafka check waits for the admin client's default of a minute).
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {
    private static final int TIMEOUT_MS = 2000;

    private final String bootstrapServers;
    private final Map<String, Object> kafka;
    private Admin admin;

    public KafkaReadiness(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                          @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.bootstrapServers = bootstrapServers;
        // Every kafka.* key (the broker's address, and SASL where the deployment turns it on), as the channels get it.
        this.kafka = Map.copyOf(kafka);
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Kafka cluster").withData("bootstrap.servers", bootstrapServers);
        try {
            Collection<Node> nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes().get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS);
            return response.up().withData("nodes", nodes.size()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("error", "interrupted").build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            AdminClientConfig.configNames().stream().filter(kafka::containsKey).forEach(k -> config.put(k, kafka.get(k)));
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "trainer-service-health");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }
}
