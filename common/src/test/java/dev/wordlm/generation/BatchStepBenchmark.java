package dev.wordlm.generation;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.wordlm.engine.Autograd;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints, per batch size, the words/s of one batched step of a PTB-shaped model (LSTM 2 x 200, 10,000 words) on one
 * thread: the Java kernels ({@link HostStepCell}), the engine's ops ({@link TensorStepCell} on the CPU), and the
 * engine's sgemm for the decoder's product alone, copies in and out included. A measurement, not a test: run with
 * {@code ./mvnw -pl common verify -Dtest=BatchStepBenchmark -Dwordlm.bench=true}.
 */
@EnabledIfSystemProperty(named = "wordlm.bench", matches = "true")
class BatchStepBenchmark {
    private static final int VOCAB = 10_000;
    private static final int NHID = 200;
    private static final int[] BATCHES = {1, 2, 4, 8, 16, 32, 64};

    @Test
    void wordsPerSecondByBatchSize() {
        Engines.threads(1);
        Engines.pytorch().setRandomSeed(1);
        Autograd.record(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = RnnLanguageModel.initialize(
                     new ModelConfig(ModelType.LSTM, VOCAB, NHID, NHID, 2, 0.2f, false), m, Device.cpu());
             HostStepCell host = new HostStepCell(model, 1);
             TensorStepCell engine = new TensorStepCell(model)) {
            NDArray decoder = model.namedParameters().get(RnnLanguageModel.DECODER_WEIGHT).transpose();
            System.out.printf("%n[measure] one thread, LSTM 2x%d, %d words: words/s of a batched step%n", NHID, VOCAB);
            System.out.printf("[measure] %5s %12s %12s %20s%n", "batch", "java step", "engine step", "engine sgemm only");
            for (int batch : BATCHES) {
                double java = wordsPerSecond(host, batch);
                double ops = wordsPerSecond(engine, batch);
                double sgemm = sgemmWordsPerSecond(m, decoder, batch);
                System.out.printf("[measure] %5d %12.0f %12.0f %20.0f%n", batch, java, ops, sgemm);
            }
        }
    }

    private static double wordsPerSecond(StepCell cell, int batch) {
        SplittableRandom random = new SplittableRandom(batch);
        StepCell.Stream[] streams = new StepCell.Stream[batch];
        int[] tokens = new int[batch];
        float[] temperatures = new float[batch];
        for (int b = 0; b < batch; b++) {
            streams[b] = cell.open(new float[4][NHID]);
            temperatures[b] = 1f;
        }
        long words = 0;
        long start = 0;
        int warmup = 20;
        for (int step = 0; ; step++) {
            if (step == warmup) {
                start = System.nanoTime();
            }
            for (int b = 0; b < batch; b++) {
                tokens[b] = random.nextInt(VOCAB);
            }
            cell.next(streams, tokens, temperatures, batch);
            if (step >= warmup) {
                words += batch;
                double seconds = (System.nanoTime() - start) / 1e9;
                if (seconds > 1.5 && step > warmup + 10) {
                    for (StepCell.Stream s : streams) {
                        s.close();
                    }
                    return words / seconds;
                }
            }
        }
    }

    /** The decoder's (B, 200) x (200, 10000) product alone through the engine, from and back to host arrays. */
    private static double sgemmWordsPerSecond(NDManager m, NDArray decoderT, int batch) {
        float[] h = new float[batch * NHID];
        long words = 0;
        long start = 0;
        for (int step = 0; ; step++) {
            if (step == 20) {
                start = System.nanoTime();
            }
            try (NDManager s = m.newSubManager()) {
                float[] out = s.create(h, new Shape(batch, NHID)).matMul(decoderT).toFloatArray();
                h[0] = out[step % out.length] * 1e-9f;
            }
            if (step >= 20) {
                words += batch;
                double seconds = (System.nanoTime() - start) / 1e9;
                if (seconds > 1.5 && step > 30) {
                    return words / seconds;
                }
            }
        }
    }
}
