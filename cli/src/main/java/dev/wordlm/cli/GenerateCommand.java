package dev.wordlm.cli;

import dev.wordlm.engine.Engines;
import dev.wordlm.generation.GenerationOptions;
import dev.wordlm.generation.GenerationRequest;
import dev.wordlm.generation.LanguageModel;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate.py}: sample words from a trained model. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = GenerateCommand.Flags.class,
        description = "PyTorch PTB Language Model, in Java: generate text from a checkpoint.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--checkpoint", order = 0, defaultValue = "model.wlm", description = "model checkpoint to use (default: ${DEFAULT-VALUE})")
    Path checkpoint;
    @Option(names = "--outf", order = 1, defaultValue = "generated.txt", description = "output file for generated text, '-' for "
            + "standard output (default: ${DEFAULT-VALUE})")
    String outf;
    @Option(names = "--cuda", order = 100, description = "use CUDA")
    boolean cuda;
    @Option(names = "--log-interval", order = 101, defaultValue = "100", description = "reporting interval (default: ${DEFAULT-VALUE})")
    int logInterval;
    @Option(names = "--prompt", order = 102, description = "words to condition on before generating")
    String prompt;
    @Option(names = "--threads", order = 103, defaultValue = "0", description = "CPU threads (0 = one per core)")
    int threads;

    /** One stream: the decoder's product split over --threads Java threads (default: cores); the engine keeps one. */
    private int decoderThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    @Override
    public Integer call() throws Exception {
        GenerationRequest request = HyperparameterFlags.read(spec, GenerationOptions.ALL, GenerationOptions.builder())
                .prompt(prompt).build().validated(Integer.MAX_VALUE, Integer.MAX_VALUE);
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
                    System.out.printf("| Generated %d/%d words%n", i, request.words());
                }
            }
            if (i % 20 != 0) {
                out.write("\n"); // the text ends with a line break, so a shell prompt or the next output starts on its own line
            }
        }
        return 0;
    }

    /** The sampling flags, from {@link GenerationOptions}: after {@code --outf} in the help. */
    static final class Flags implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            HyperparameterFlags.addTo(spec, GenerationOptions.ALL, 2);
            return spec;
        }
    }
}
