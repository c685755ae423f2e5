package dev.wordlm.cli;

import dev.wordlm.engine.Engines;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate.py}: sample words from a trained model. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "PyTorch PTB Language Model, in Java: generate text from a checkpoint.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", defaultValue = "model.wlm", description = "model checkpoint to use (default: ${DEFAULT-VALUE})")
    Path checkpoint;
    @Option(names = "--outf", defaultValue = "generated.txt", description = "output file for generated text, '-' for "
            + "standard output (default: ${DEFAULT-VALUE})")
    String outf;
    @Option(names = "--words", defaultValue = "1000", description = "number of words to generate (default: ${DEFAULT-VALUE})")
    int words;
    @Option(names = "--seed", defaultValue = "1111", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--cuda", description = "use CUDA")
    boolean cuda;
    @Option(names = "--temperature", defaultValue = "1.0", description = "temperature - higher will increase diversity "
            + "(default: ${DEFAULT-VALUE})")
    double temperature;
    @Option(names = "--log-interval", defaultValue = "100", description = "reporting interval (default: ${DEFAULT-VALUE})")
    int logInterval;
    @Option(names = "--prompt", description = "words to condition on before generating")
    String prompt;
    @Option(names = "--top-k", defaultValue = "0", description = "sample among the k most likely words (0 = all)")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "sample among the most likely words whose "
            + "probabilities sum to p (1 = all)")
    double topP;
    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (0 = one per core)")
    int threads;

    /** One stream: the decoder's product split over --threads Java threads (default: cores); the engine keeps one. */
    private int decoderThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    @Override
    public Integer call() throws Exception {
        GenerationRequest request = new GenerationRequest(words, temperature, seed, prompt, topK, topP)
                .validated(Integer.MAX_VALUE, Integer.MAX_VALUE);
        Engines.threads(1);
        boolean toStdout = "-".equals(outf);
        try (LanguageModel lm = LanguageModel.load(checkpoint, Engines.device(cuda), decoderThreads());
             LanguageModel.Generation words = lm.generate(request);
             Writer out = toStdout
                     ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                     : Files.newBufferedWriter(Path.of(outf), StandardCharsets.UTF_8)) {
            int i = 0;
            for (; words.hasNext(); i++) {
                out.write(words.next());
                out.write(i % 20 == 19 ? "\n" : " ");
                if (toStdout) {
                    out.flush();
                } else if (i % logInterval == 0) {
                    System.out.printf("| Generated %d/%d words%n", i, this.words);
                }
            }
            if (i % 20 != 0) {
                out.write("\n"); // the text ends with a line break, so a shell prompt or the next output starts on its own line
            }
        }
        return 0;
    }
}
