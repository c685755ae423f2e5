package dev.wordlm.generator.support;

import dev.wordlm.events.Topics;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Publishes {@code checkpoints} events to the test broker, keyed by run id as the trainer does. */
public final class CheckpointEventPublisher {
    private static KafkaProducer<String, String> producer;
    private static String producerBootstrap;

    private CheckpointEventPublisher() {
    }

    /** Publishes and waits for the broker's acknowledgement; returns {@link System#nanoTime()} just before sending. */
    public static long publish(FakeTrainer.CheckpointRecord record, String json) {
        return publish(String.valueOf(record.runId()), json);
    }

    public static synchronized long publish(String key, String json) {
        KafkaProducer<String, String> p = producer();
        long sent = System.nanoTime();
        try {
            p.send(new ProducerRecord<>(Topics.CHECKPOINTS, key, json)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish a checkpoint event", e);
        }
        return sent;
    }

    /** One producer per broker (each test profile starts its own), created outside any measured interval. */
    private static KafkaProducer<String, String> producer() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        if (producer == null || !bootstrap.equals(producerBootstrap)) {
            if (producer != null) {
                producer.close();
            }
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(props);
            producer.partitionsFor(Topics.CHECKPOINTS); // fetch metadata now
            producerBootstrap = bootstrap;
        }
        return producer;
    }
}
