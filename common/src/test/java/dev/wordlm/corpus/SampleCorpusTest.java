package dev.wordlm.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCorpusTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedWritesTheSameBytes() throws Exception {
        SampleCorpus a = new SampleCorpus(10, 3, 2000, 300, 300, 7);
        a.writeTo(dir.resolve("a"));
        new SampleCorpus(10, 3, 2000, 300, 300, 7).writeTo(dir.resolve("b"));
        for (String f : Corpus.SPLITS) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)));
        }
        Corpus c = Corpus.load(dir.resolve("a"));
        assertTrue(c.train().length >= 2000 && c.valid().length >= 300, "sizes " + c.train().length);
    }

    @Test
    void entropyRateMatchesTheEmpiricalRate() throws Exception {
        // The exact entropy rate is what the text's empirical transition statistics converge to.
        SampleCorpus s = new SampleCorpus(12, 3, 200_000, 10, 10, 3);
        s.writeTo(dir);
        Corpus c = Corpus.load(dir);
        int n = c.vocabSize();
        int[] t = c.train();
        double[][] counts = new double[n][n];
        for (int i = 1; i < t.length; i++) {
            counts[t[i - 1]][t[i]]++;
        }
        double nll = 0;
        for (int i = 1; i < t.length; i++) {
            double row = 0;
            for (double x : counts[t[i - 1]]) {
                row += x;
            }
            nll -= Math.log(counts[t[i - 1]][t[i]] / row);
        }
        double empirical = nll / (t.length - 1);
        assertEquals(s.entropyRate(), empirical, 0.01, "exact " + s.entropyRate() + " empirical " + empirical);
        assertTrue(s.optimalPerplexity() > 1.5 && s.optimalPerplexity() < 3.01);
    }

    @Test
    void stationaryDistributionSumsToOne() {
        double[] pi = SampleCorpus.standard().stationaryDistribution();
        double sum = 0;
        for (double p : pi) {
            sum += p;
        }
        assertEquals(1.0, sum, 1e-9);
    }
}
