package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.model.ModelType;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The model learns, not just lowers its loss: on text from a Markov chain whose entropy rate H is known exactly,
 * a short training run (8 epochs of 40k tokens) reaches a test perplexity within 3% of the best possible, exp(H). No model can beat exp(H)
 * by more than sampling noise, so the test also catches a model that peeks at its targets.
 */
class LearnsTheSourceTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(value = ModelType.class, names = {"LSTM", "GRU"})
    void reachesTheOptimalPerplexity(ModelType type) {
        SampleCorpus source = new SampleCorpus(20, 3, 40_000, 4_000, 8_000, 11);
        Corpus corpus = Corpus.load(source.writeTo(dir.resolve(type.name())));
        double optimum = source.optimalPerplexity();
        TrainConfig config = new TrainConfig(type, 32, 32, 1, 20, 0.25, 8, 20, 35, 0.0, 4.0, false, 1111, false, 1000);
        TrainingResult result = new Trainer(config, corpus, dir.resolve(type + ".wlm"), null, null, null).train();
        double ppl = result.testPerplexity();
        System.out.printf("%s: test ppl %.4f, optimum exp(H) %.4f, ratio %.4f%n", type, ppl, optimum, ppl / optimum);
        assertTrue(ppl < optimum * 1.03, type + " test ppl " + ppl + " should be within 3% of the optimum " + optimum);
        assertTrue(ppl > optimum * 0.97, type + " test ppl " + ppl + " cannot beat the optimum " + optimum);
    }
}
