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
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, and prints, what the service does with a model of the reference's default size (10000 words, LSTM 2 x 200,
 * untrained weights: the same work per word as a trained one): the swap time from checkpoint event to serving, the
 * words/s of one stream, and the total words/s of 16 concurrent streams. Figures are printed, not asserted; only
 * correctness is (every stream complete, no failed request). Rerun with {@code -Dwordlm.generation.engine-threads=2}
 * to compare PyTorch intra-op thread counts.
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

    private SseClient.Result stream(int words) {
        return SseClient.read(base.resolve("/generate/stream?words=" + words + "&temperature=1.0"), e -> { });
    }
}
