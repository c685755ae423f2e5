package dev.wordlm.generator;

import static dev.wordlm.generator.support.Api.awaitServed;
import static dev.wordlm.generator.support.Api.choose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wordlm.generator.support.CheckpointEventPublisher;
import dev.wordlm.generator.support.FakeTrainer;
import dev.wordlm.generator.support.SseClient;
import dev.wordlm.generator.support.TestCheckpoints;
import dev.wordlm.generator.support.TestTokens;
import dev.wordlm.generator.support.WarmProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, and prints, what the service does with a model of the reference's default size (10000 words, LSTM 2 x 200,
 * untrained weights: the same work per word as a trained one): the swap time from checkpoint event to serving, the
 * words/s of one stream, and the total words/s of 16 concurrent streams. Figures are printed, not asserted; only
 * correctness is (every stream complete, no failed request). Rerun with {@code -Dwordlm.generation.engine-threads=2}
 * to compare PyTorch intra-op thread counts.
 *
 * <p>With {@code -Dbench.serve=1,8,32,64} (what {@code bench/serve} runs) it then drives each of those numbers
 * of concurrent SSE clients of {@code bench.serve-words} words (default 1000) and prints, for each, the total
 * words/s, time to first word and inter-word latency (p50/p99, at the client), and the ratio of 32 streams to 1.
 */
@QuarkusTest
@TestProfile(WarmProfile.class)
class GenerationBenchmarkTest {
    private static final int SINGLE_WORDS = 1500;
    private static final int STREAMS = 16;
    private static final int WORDS_PER_STREAM = 300;

    @TestHTTPResource("/")
    URI base;

    @TempDir
    Path work;

    /** Other test classes pin models; this one follows the newest checkpoint, then pins its own. */
    @BeforeEach
    @AfterEach
    void unpin() {
        TestTokens.asAdmin();
        choose(Map.of("selection", "newest")).then().statusCode(200);
    }

    @Test
    void swapTimeAndWordsPerSecond() throws Exception {
        FakeTrainer trainer = FakeTrainer.instance();
        FakeTrainer.CheckpointRecord big = trainer.publish(UUID.randomUUID(), 1, 600.0,
                TestCheckpoints.ptbSized(work, 51));
        long sent = CheckpointEventPublisher.publish(big, trainer.eventJson(big));
        double swapMillis = awaitServed(big.id(), sent);
        choose(Map.of("checkpointId", big.id().toString())).then().statusCode(200);

        stream(100); // the first requests on a fresh model pay for allocations; not measured
        long start = System.nanoTime();
        SseClient.Result single = stream(SINGLE_WORDS);
        double singleSeconds = (System.nanoTime() - start) / 1e9;
        assertEquals(SINGLE_WORDS, single.named("word").size());

        ExecutorService clients = Executors.newFixedThreadPool(STREAMS);
        List<Future<SseClient.Result>> streams = new ArrayList<>();
        start = System.nanoTime();
        for (int i = 0; i < STREAMS; i++) {
            streams.add(clients.submit(() -> stream(WORDS_PER_STREAM)));
        }
        int words = 0;
        int failed = 0;
        for (Future<SseClient.Result> f : streams) {
            SseClient.Result r = f.get(5, TimeUnit.MINUTES);
            if (r.status() != 200 || r.named("done").isEmpty()) {
                failed++;
            }
            words += r.named("word").size();
        }
        double concurrentSeconds = (System.nanoTime() - start) / 1e9;
        clients.shutdown();
        assertEquals(0, failed, "failed streams");
        assertEquals(STREAMS * WORDS_PER_STREAM, words);

        var config = ConfigProvider.getConfig();
        System.out.printf("%n[measure] model: LSTM 2x200, 10000 words (%.1f MB); %d cores, inference workers: %s, "
                        + "PyTorch intra-op threads: %s%n", big.sizeBytes() / 1e6, Runtime.getRuntime().availableProcessors(),
                config.getValue("wordlm.generation.threads", String.class),
                config.getValue("wordlm.generation.engine-threads", String.class));
        System.out.printf("[measure] checkpoint event -> serving (download, verify, load, warm-up): %.0f ms%n", swapMillis);
        System.out.printf("[measure] one stream: %d words in %.2f s = %.0f words/s%n", SINGLE_WORDS, singleSeconds,
                SINGLE_WORDS / singleSeconds);
        System.out.printf("[measure] %d concurrent streams: %d words in %.2f s = %.0f words/s in total, %.0f words/s "
                        + "per stream; %d failed%n", STREAMS, words, concurrentSeconds, words / concurrentSeconds,
                words / concurrentSeconds / STREAMS, failed);
    }

    @Test
    @EnabledIfSystemProperty(named = "bench.serve", matches = "[0-9, ]+")
    void concurrentStreamsWordsPerSecondAndLatency() throws Exception {
        FakeTrainer trainer = FakeTrainer.instance();
        FakeTrainer.CheckpointRecord big = trainer.publish(UUID.randomUUID(), 1, 600.0,
                TestCheckpoints.ptbSized(work, 52));
        long sent = CheckpointEventPublisher.publish(big, trainer.eventJson(big));
        awaitServed(big.id(), sent);
        choose(Map.of("checkpointId", big.id().toString())).then().statusCode(200);
        int words = Integer.getInteger("bench.serve-words", 1000);
        stream(300); // JIT warm-up, not measured
        Map<Integer, Double> rates = new java.util.TreeMap<>();
        for (String n : System.getProperty("bench.serve").split(",")) {
            int clients = Integer.parseInt(n.trim());
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<long[]>> runs = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                runs.add(pool.submit(() -> timedStream(words)));
            }
            List<Long> first = new ArrayList<>();
            List<Long> gaps = new ArrayList<>();
            for (Future<long[]> f : runs) {
                long[] times = f.get(10, TimeUnit.MINUTES);
                assertEquals(words + 1, times.length, "a complete stream");
                first.add(times[1] - times[0]);
                for (int k = 2; k < times.length; k++) {
                    gaps.add(times[k] - times[k - 1]);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            double rate = clients * (double) words / seconds;
            rates.put(clients, rate);
            System.out.printf("[serve] %3d streams x %d words: %8.0f words/s in total | first word p50 %7.1f ms p99 %7.1f ms"
                            + " | inter-word p50 %6.2f ms p99 %6.2f ms%n", clients, words, rate, millis(first, 0.50),
                    millis(first, 0.99), millis(gaps, 0.50), millis(gaps, 0.99));
        }
        if (rates.containsKey(1) && rates.containsKey(32)) {
            System.out.printf("serve words/s ratio (32 streams / 1 stream): %.2f%n", rates.get(32) / rates.get(1));
        }
    }

    /** Arrival times of a stream's request and of each of its words, in ns. */
    private long[] timedStream(int words) {
        long[] times = new long[words + 1];
        int[] seen = {0};
        times[0] = System.nanoTime();
        SseClient.Result r = SseClient.read(base.resolve("/generate/stream?words=" + words + "&temperature=1.0"), e -> {
            if ("word".equals(e.name()) && seen[0] < words) {
                times[++seen[0]] = System.nanoTime();
            }
        });
        assertEquals(200, r.status());
        return seen[0] == words ? times : java.util.Arrays.copyOf(times, seen[0] + 1);
    }

    private static double millis(List<Long> nanos, double quantile) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size()))) / 1e6;
    }

    private SseClient.Result stream(int words) {
        return SseClient.read(base.resolve("/generate/stream?words=" + words + "&temperature=1.0"), e -> { });
    }
}
