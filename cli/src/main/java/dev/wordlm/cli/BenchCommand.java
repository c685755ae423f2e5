package dev.wordlm.cli;

import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.engine.Engines;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.CancellationToken;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.Trainer;
import dev.wordlm.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the real training loop and of generation, printed as one JSON line for {@code bench/run}, which
 * runs the PyTorch reference the same way and prints the ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure training tokens/s and generation words/s; prints one JSON line.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "sample", description = "corpus directory (or 'sample')")
    String data;
    @Option(names = "--batches", defaultValue = "300", description = "timed training batches, 0 for none (default: ${DEFAULT-VALUE})")
    int batches;
    @Option(names = "--chunks", defaultValue = "5", description = "timed chunks; the median chunk rate is reported")
    int chunks;
    @Option(names = "--words", defaultValue = "1000", description = "timed generated words, 0 for none (default: ${DEFAULT-VALUE})")
    int words;
    @Option(names = "--gen-warmup", defaultValue = "500", description = "untimed generated words first (JIT warm-up)")
    int genWarmup;
    @Option(names = "--threads", defaultValue = "2", description = "CPU threads: PyTorch's intra-op threads for training, "
            + "and the threads that share the decoder for generation (default: ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--model", defaultValue = "LSTM", description = "RNN_TANH, RNN_RELU, LSTM, GRU")
    String model;
    @Option(names = "--emsize", defaultValue = "200")
    int emsize;
    @Option(names = "--nhid", defaultValue = "200")
    int nhid;
    @Option(names = "--nlayers", defaultValue = "2")
    int nlayers;
    @Option(names = "--tied")
    boolean tied;
    @Option(names = "--cuda", description = "use CUDA")
    boolean cuda;

    @Override
    public Integer call() throws Exception {
        Engines.threads(threads);
        Corpus full = Data.load(data);
        // Small valid/test splits: the bench stops mid-epoch and only the training batches are timed.
        Corpus corpus = new Corpus(full.vocabulary(), full.train(), Arrays.copyOf(full.valid(), Math.min(full.valid().length, 2000)),
                Arrays.copyOf(full.test(), Math.min(full.test().length, 2000)), full.fingerprint());
        int chunk = Math.max(1, batches / chunks);
        TrainConfig config = TrainConfig.builder().model(ModelType.parse(model)).emsize(emsize).nhid(nhid)
                .nlayers(nlayers).epochs(1).tied(tied).cuda(cuda).logInterval(chunk).build();
        Path dir = Files.createTempDirectory("wordlm-bench");
        Double trainRate = null;
        Double trainOverall = null;
        if (batches > 0) {
            List<Double> rates = new ArrayList<>();
            CancellationToken cancel = new CancellationToken();
            TrainingListener timer = new TrainingListener() {
                @Override
                public void onBatch(BatchProgress p) {
                    rates.add(p.tokensPerSecond());
                    // The first chunk includes start-up (first batches, JIT): it is the warm-up, not timed.
                    if (rates.size() > chunks) {
                        cancel.cancel();
                    }
                    System.err.printf(Locale.ROOT, "| batch %5d | %.0f tokens/s | loss %.3f%n", p.batch(),
                            p.tokensPerSecond(), p.loss());
                }
            };
            new Trainer(config, corpus, dir.resolve("bench.wlm"), null, timer, cancel).train();
            List<Double> timed = new ArrayList<>(rates.subList(1, rates.size()));
            trainRate = median(timed);
            trainOverall = timed.size() / timed.stream().mapToDouble(r -> 1 / r).sum();
        }

        Double genRate = null;
        if (words > 0) {
            genRate = generationRate(config, corpus, dir.resolve("gen.wlm"));
        }
        Files.deleteIfExists(dir.resolve("bench.wlm"));
        Files.deleteIfExists(dir);
        System.out.printf(Locale.ROOT, "{\"impl\":\"djl\",\"engine\":\"pytorch %s\",\"threads\":%d,\"train_tokens_per_s\":%s,"
                        + "\"train_tokens_per_s_overall\":%s,\"train_ms_per_batch\":%s,\"gen_words_per_s\":%s,"
                        + "\"batches\":%d,\"words\":%d,\"vocab\":%d}%n",
                Engines.pytorch().getVersion(), threads, json(trainRate, 1), json(trainOverall, 1),
                json(trainRate == null ? null : 35 * 20 * 1000 / trainRate, 2), json(genRate, 1), batches, words,
                corpus.vocabSize());
        return 0;
    }

    /** A JSON number with {@code decimals} places, or null for a part that was not run. */
    private static String json(Double value, int decimals) {
        return value == null ? "null" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /**
     * Generation speed does not depend on the weights: timed on a freshly initialised model. The same number of threads
     * as training, used differently: the step runs in Java (HostStepCell) with its decoder split over {@code threads};
     * without a prompt the engine has nothing to do.
     */
    private double generationRate(TrainConfig config, Corpus corpus, Path ckpt) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
             RnnLanguageModel fresh = RnnLanguageModel.initialize(config.modelConfig(corpus.vocabSize()), m,
                     Engines.device(cuda))) {
            Checkpoint.save(ckpt, fresh, config, corpus.vocabulary(), 0, config.lr(), Double.NaN, Double.NaN,
                    corpus.fingerprint());
        }
        double genRate;
        try (LanguageModel lm = LanguageModel.load(ckpt, Engines.device(cuda), threads)) {
            try (LanguageModel.Generation g = lm.generate(GenerationRequest.of(genWarmup, 1.0, 1L))) {
                g.forEachRemaining(w -> { });
            }
            try (LanguageModel.Generation g = lm.generate(GenerationRequest.of(words, 1.0, 1111L))) {
                long t0 = System.nanoTime();
                g.forEachRemaining(w -> { });
                genRate = words / ((System.nanoTime() - t0) / 1e9);
            }
        }
        Files.deleteIfExists(ckpt);
        return genRate;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
