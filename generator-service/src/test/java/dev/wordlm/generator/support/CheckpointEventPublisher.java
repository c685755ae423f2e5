package dev.wordlm.generator.support;

import dev.wordlm.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Publishes {@code checkpoints} events to the test broker, keyed by run id as the trainer does; reads topics back. */
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

    /** A record read back from a topic: its value and its headers (the last value of each name). */
    public record ReadRecord(String key, String value, Map<String, String> headers) {
    }

    /** The records of {@code topic} with this key, read from its start until none arrives for a second. */
    public static List<ReadRecord> read(String topic, String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ReadRecord> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        Map<String, String> headers = new HashMap<>();
                        r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                        out.add(new ReadRecord(r.key(), r.value(), headers));
                    }
                }
            }
        }
        return out;
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
