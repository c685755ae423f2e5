package dev.wordlm.cli;

import dev.wordlm.engine.Engines;
import dev.wordlm.generation.LanguageModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Perplexity of a text under a checkpoint. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Perplexity of a text under a trained model.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", defaultValue = "model.wlm", description = "model checkpoint to use (default: ${DEFAULT-VALUE})")
    Path checkpoint;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--file", description = "text file to score, '-' for standard input")
        Path file;
        @Option(names = "--text", description = "text to score")
        String text;
    }

    @Option(names = "--cuda", description = "use CUDA")
    boolean cuda;

    @Override
    public Integer call() throws Exception {
        String text = input.text != null ? input.text
                : "-".equals(input.file.toString()) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(input.file, StandardCharsets.UTF_8);
        try (LanguageModel lm = LanguageModel.load(checkpoint, Engines.device(cuda))) {
            LanguageModel.ScoreResult r = lm.score(text);
            // A uniform guess over the vocabulary scores ppl = its size: the yardstick for the figure before it.
            System.out.printf("tokens %d | unknown %d | loss %.4f | ppl %.2f | uniform guess ppl %d | %s%n", r.tokens(),
                    r.unknown(), r.loss(), r.perplexity(), lm.vocabulary().size(),
                    r.columns() == 1 ? "one stream" : r.columns() + " columns");
        }
        return 0;
    }
}
