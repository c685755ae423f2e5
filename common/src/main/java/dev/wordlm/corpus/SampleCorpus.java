package dev.wordlm.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A corpus drawn from a known stochastic source: a first-order Markov chain over a small vocabulary, where
 * {@code <eos>} (a line break) is one of the states. Because the source is known, its entropy rate is known
 * exactly, and {@code exp(entropyRate())} is the best test perplexity any model can reach. The trainer
 * service's built-in {@code sample} dataset is {@link #standard()} written to disk.
 */
public final class SampleCorpus {
    /** Seed of the built-in {@code sample} dataset; changing it changes every sample run's data. */
    public static final long STANDARD_SEED = 20261129L;

    private static final String[] WORDS = {
        "the", "a", "cat", "dog", "bird", "sees", "chases", "likes", "eats", "small", "big", "red", "green",
        "quick", "lazy", "fox", "mouse", "runs", "sleeps", "sings", "under", "over", "near", "tree", "house",
        "river", "stone", "and", "then", "slowly", "happily", "again", "moon", "sun", "star", "night", "day",
    };

    private final String[] states;
    private final int eos;
    private final int[][] successors;
    private final double[][] probabilities;
    private final int trainTokens;
    private final int validTokens;
    private final int testTokens;
    private final long seed;

    /**
     * @param words      number of distinct words (besides {@code <eos>}), at most {@value #MAX_WORDS}
     * @param branching  successors per state: the source's uncertainty grows with it
     * @param seed       fixes the chain and the drawn text
     */
    public SampleCorpus(int words, int branching, int trainTokens, int validTokens, int testTokens, long seed) {
        if (words < 2 || words > MAX_WORDS) {
            throw new IllegalArgumentException("words must be in 2.." + MAX_WORDS + ", got " + words);
        }
        if (branching < 1 || branching > words + 1) {
            throw new IllegalArgumentException("branching must be in 1..words+1, got " + branching);
        }
        this.seed = seed;
        this.trainTokens = trainTokens;
        this.validTokens = validTokens;
        this.testTokens = testTokens;
        states = new String[words + 1];
        System.arraycopy(WORDS, 0, states, 0, words);
        eos = words;
        states[eos] = Vocabulary.EOS;
        SplittableRandom rnd = new SplittableRandom(seed);
        successors = new int[states.length][];
        probabilities = new double[states.length][];
        for (int s = 0; s < states.length; s++) {
            // Distinct successors; every state can reach <eos> so lines end.
            int[] next = new int[branching];
            boolean[] used = new boolean[states.length];
            next[0] = s == eos ? rnd.nextInt(words) : eos;
            used[next[0]] = true;
            for (int k = 1; k < branching; k++) {
                int c;
                do {
                    c = rnd.nextInt(states.length);
                } while (used[c]);
                used[c] = true;
                next[k] = c;
            }
            double[] p = new double[branching];
            double sum = 0;
            for (int k = 0; k < branching; k++) {
                p[k] = 0.2 + rnd.nextDouble();
                sum += p[k];
            }
            for (int k = 0; k < branching; k++) {
                p[k] /= sum;
            }
            successors[s] = next;
            probabilities[s] = p;
        }
    }

    public static final int MAX_WORDS = 37;

    /** The built-in {@code sample} dataset: 37 words, 4 successors each, 60k/6k/6k tokens. */
    public static SampleCorpus standard() {
        return new SampleCorpus(MAX_WORDS, 4, 60_000, 6_000, 6_000, STANDARD_SEED);
    }

    /** Entropy rate of the chain in nats per token: {@code -sum_i pi_i sum_j P_ij ln P_ij}. */
    public double entropyRate() {
        double[] pi = stationaryDistribution();
        double h = 0;
        for (int s = 0; s < states.length; s++) {
            double hs = 0;
            for (double p : probabilities[s]) {
                hs -= p * Math.log(p);
            }
            h += pi[s] * hs;
        }
        return h;
    }

    /** The lowest perplexity any model can have on this source: {@code exp(entropyRate())}. */
    public double optimalPerplexity() {
        return Math.exp(entropyRate());
    }

    double[] stationaryDistribution() {
        int n = states.length;
        double[] pi = new double[n];
        java.util.Arrays.fill(pi, 1.0 / n);
        for (int iter = 0; iter < 100_000; iter++) {
            double[] next = new double[n];
            for (int s = 0; s < n; s++) {
                for (int k = 0; k < successors[s].length; k++) {
                    next[successors[s][k]] += pi[s] * probabilities[s][k];
                }
            }
            // Average with the previous vector so periodic chains converge too.
            double diff = 0;
            for (int s = 0; s < n; s++) {
                next[s] = 0.5 * (next[s] + pi[s]);
                diff += Math.abs(next[s] - pi[s]);
            }
            pi = next;
            if (diff < 1e-13) {
                break;
            }
        }
        return pi;
    }

    /** Writes {@code train.txt}, {@code valid.txt} and {@code test.txt}; the same seed writes the same bytes. */
    public Path writeTo(Path dir) {
        try {
            Files.createDirectories(dir);
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
            int state = eos;
            int[] sizes = {trainTokens, validTokens, testTokens};
            for (int split = 0; split < 3; split++) {
                Path tmp = dir.resolve(Corpus.SPLITS[split] + ".tmp");
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    state = writeSplit(w, rnd, state, sizes[split]);
                }
                Files.move(tmp, dir.resolve(Corpus.SPLITS[split]), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample corpus to " + dir, e);
        }
    }

    /** Draws about {@code tokens} tokens, always finishing the last line so the file ends with a newline. */
    private int writeSplit(Writer w, SplittableRandom rnd, int state, int tokens) throws IOException {
        boolean lineStart = true;
        for (int t = 0; t < tokens || state != eos; t++) {
            state = draw(rnd, state);
            if (state == eos) {
                w.write('\n');
                lineStart = true;
            } else {
                if (!lineStart) {
                    w.write(' ');
                }
                w.write(states[state]);
                lineStart = false;
            }
        }
        return state;
    }

    private int draw(SplittableRandom rnd, int state) {
        double u = rnd.nextDouble();
        double[] p = probabilities[state];
        for (int k = 0; k < p.length - 1; k++) {
            u -= p[k];
            if (u < 0) {
                return successors[state][k];
            }
        }
        return successors[state][p.length - 1];
    }
}
