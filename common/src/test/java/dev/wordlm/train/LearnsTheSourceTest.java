package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.model.ModelType;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model learns, not just lowers its loss: on text from a Markov chain whose entropy rate H is known exactly,
 * a short training run reaches a test perplexity within 3% of the best possible, exp(H). No model can beat exp(H)
 * by more than sampling noise, so the test also catches a model that peeks at its targets.
 *
 * <p>Why lr 0.5 and batch 5, not the reference's lr 20 and batch 20: a 1×32 model at lr 20 takes clipped steps of
 * length 5, its validation loss jumps between epochs, and where it ends depends on when the first jump triggers the
 * anneal to lr 5, whose noise floor (valid loss ≈ 1.17 against an optimum of 1.07) it then never leaves, because
 * each epoch still improves a little. Which epoch jumps hangs on the last bits of the arithmetic: on one machine
 * the same GRU seed ended 1.02 × exp(H), on another 1.10 ×; with one intra-op thread instead of two (another order of
 * summation) the LSTM's seeds 2 and 3 take other paths. PyTorch's own loop does the same on this corpus (GRU,
 * seeds 1111 and 1..7: six of eight end 1.08–1.11 ×). At lr 0.5 the loss falls smoothly every epoch, one or two
 * threads give the same figures to four digits, every seed tried lands at 1.011–1.015 × (PyTorch: 1.012–1.015 ×),
 * and the test runs several seeds that must all pass.
 */
class LearnsTheSourceTest {
    @TempDir
    static Path dir;

    static SampleCorpus source;
    static Corpus corpus;

    @BeforeAll
    static void writeCorpus() {
        source = new SampleCorpus(20, 3, 40_000, 4_000, 8_000, 11);
        corpus = Corpus.load(source.writeTo(dir.resolve("corpus")));
    }

    /** GRU's fused op runs step by step on the CPU (no oneDNN kernel), about 5× the LSTM's time: fewer runs. */
    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of(ModelType.LSTM, 16, 1111L),
                Arguments.of(ModelType.LSTM, 16, 1L),
                Arguments.of(ModelType.LSTM, 16, 2L),
                Arguments.of(ModelType.GRU, 12, 1111L),
                Arguments.of(ModelType.GRU, 12, 1L));
    }

    @ParameterizedTest(name = "{0} seed {2}")
    @MethodSource("runs")
    void reachesTheOptimalPerplexity(ModelType type, int epochs, long seed) {
        assertNearTheOptimum(TrainConfig.builder().model(type).size(32).nlayers(1).lr(0.5).epochs(epochs).batchSize(5)
                .dropout(0).seed(seed).logInterval(1000).build());
    }

    /**
     * The Transformer reads each bptt chunk afresh, but on a first-order chain the word itself is all the context a
     * prediction needs, so its optimum is the same exp(H). Plain SGD brings it there more slowly than the RNNs: after
     * 8 epochs at lr 1 (1×32, two heads) seeds 1111, 1 and 2 end at 1.030, 1.032 and 1.034 × exp(H), still falling,
     * so its margin is 5%: 1.6 points above the worst seed, which last-bit differences cannot close (the RNNs' runs
     * agree to four digits across thread counts). Each run costs minutes on two cores: two seeds.
     */
    @ParameterizedTest(name = "Transformer seed {0}")
    @ValueSource(longs = {1111L, 1L})
    void transformerReachesTheOptimalPerplexity(long seed) {
        assertNearTheOptimum(TrainConfig.builder().model(ModelType.TRANSFORMER).size(32).nhead(2).nlayers(1).lr(1)
                .epochs(8).batchSize(5).dropout(0).seed(seed).logInterval(1000).build(), 1.05);
    }

    private static void assertNearTheOptimum(TrainConfig config) {
        assertNearTheOptimum(config, 1.03);
    }

    private static void assertNearTheOptimum(TrainConfig config, double margin) {
        ModelType type = config.model();
        long seed = config.seed();
        double optimum = source.optimalPerplexity();
        TrainingResult result = new Trainer(config, corpus, dir.resolve(type + "-" + seed + ".wlm"), null, null, null).train();
        double ppl = result.testPerplexity();
        System.out.printf("%s seed %d: test ppl %.4f, optimum exp(H) %.4f, ratio %.4f%n", type, seed, ppl, optimum,
                ppl / optimum);
        assertTrue(ppl < optimum * margin, type + " seed " + seed + ": test ppl " + ppl + " should be within "
                + Math.round((margin - 1) * 100) + "% of the optimum " + optimum);
        assertTrue(ppl > optimum * 0.97, type + " seed " + seed + ": test ppl " + ppl + " cannot beat the optimum " + optimum);
    }
}
