package dev.wordlm.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault: records nobody can read on both consumed topics. Each is set aside on its dead-letter topic, as it came and
 * with the reason in its headers; both consumers go on, so the next valid run trains and its checkpoint is served.
 */
class PoisonRecordsIT {
    private static final String BOOTSTRAP = "127.0.0.1:" + Stack.KAFKA_PORT;

    @RegisterExtension
    static final Stack stack = new Stack();

    @Test
    void poisonRecordsAreDeadLetteredAndTheSystemGoesOn() throws Exception {
        // The generator reads checkpoints from the latest offset once assigned: a served model and readiness (which
        // includes the assignment) say it reads the topic before the poison is written.
        trainAndServe("before-poison");
        awaitReady(SystemIT.GENERATOR);

        String key = "poison-" + UUID.randomUUID();
        // Every kind of unreadable record the consumers meet: not JSON, JSON of the wrong shape, empty.
        List<String> poison = List.of("\u0000\u0001 not json {", "{\"runId\": 42}", "[]", "");
        long sent = System.nanoTime();
        for (String value : poison) {
            produce("training-requests", key, value);
            produce("checkpoints", key, value);
        }
        List<DeadLetter> requests = awaitDeadLetters("training-requests-dead-letters", key, poison.size());
        List<DeadLetter> checkpoints = awaitDeadLetters("checkpoints-dead-letters", key, poison.size());
        double deadLetteredSeconds = (System.nanoTime() - sent) / 1e9;
        for (List<DeadLetter> letters : List.of(requests, checkpoints)) {
            assertEquals(poison.stream().sorted().toList(), letters.stream().map(DeadLetter::value).sorted().toList(),
                    "every record set aside as it came");
            for (DeadLetter letter : letters) {
                assertTrue(!letter.headers().getOrDefault("dead-letter-reason", "").isBlank(), letter.toString());
                assertTrue(letter.headers().containsKey("dead-letter-offset"), letter.toString());
            }
        }
        assertTrue(requests.stream().allMatch(l -> "training-requests".equals(l.headers().get("dead-letter-topic"))));
        assertTrue(checkpoints.stream().allMatch(l -> "checkpoints".equals(l.headers().get("dead-letter-topic"))));

        trainAndServe("after-poison");
        assertTrue(metric(SystemIT.TRAINER, "wordlm_dead_letters_total{topic=\"training-requests\"}") >= poison.size());
        assertTrue(metric(SystemIT.GENERATOR, "wordlm_dead_letters_total{topic=\"checkpoints\"}") >= poison.size());
        System.out.printf(Locale.ROOT, "faults: PoisonRecordsIT ok, %d records on each of 2 topics dead-lettered in "
                + "%.1f s with their reasons; the next run COMPLETED and is served%n", poison.size(), deadLetteredSeconds);
    }

    /** A one-epoch run, completed, its checkpoint served, and the generator answering with it. */
    private static void trainAndServe(String name) throws Exception {
        String run = SystemIT.postRun("{\"name\":\"" + name + "\",\"dataset\":\"sample\",\"epochs\":1,\"emsize\":16,"
                + "\"nhid\":16,\"nlayers\":1}");
        JsonNode done = SystemIT.awaitStatus(run, "COMPLETED", Duration.ofMinutes(3));
        JsonNode checkpoint = done.get("checkpoints").get(done.get("checkpoints").size() - 1);
        SystemIT.awaitServed("checkpointId", checkpoint.get("id").asText(), Duration.ofMinutes(2));
        Http.Reply text = Http.postForm(SystemIT.GENERATOR + "/generate", "words=10");
        assertEquals(200, text.status(), text.body());
    }

    private static void awaitReady(String base) throws Exception {
        AtomicReference<Http.Reply> r = new AtomicReference<>();
        try {
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> {
                r.set(Http.get(base + "/q/health/ready"));
                return r.get().status() == 200;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(base + " not ready: " + r.get().body(), e);
        }
    }

    record DeadLetter(String value, Map<String, String> headers) {
    }

    private static void produce(String topic, String key, String value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<DeadLetter> awaitDeadLetters(String topic, String key, int count) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            try {
                // Each evaluation is one poll of up to 500 ms, so no interval is needed between them.
                await().atMost(Duration.ofMinutes(2)).pollInSameThread() // the consumer is not thread-safe
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                                if (key.equals(r.key())) {
                                    Map<String, String> headers = new HashMap<>();
                                    r.headers().forEach(h -> headers.put(h.key(),
                                            new String(h.value(), StandardCharsets.UTF_8)));
                                    out.add(new DeadLetter(r.value(), headers));
                                }
                            }
                            return out.size() >= count;
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(topic + ": " + out.size() + " of " + count + " dead letters: " + out, e);
            }
        }
        return out;
    }

    private static double metric(String base, String series) throws Exception {
        Http.Reply r = Http.get(base + "/q/metrics");
        assertEquals(200, r.status(), r.body());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in the metrics of " + base);
    }
}
