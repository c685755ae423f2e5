package dev.wordlm.cli;

import dev.wordlm.corpus.SampleCorpus;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the built-in sample corpus, whose best possible perplexity is known. */
@Command(name = "sample-data", mixinStandardHelpOptions = true,
        description = "Write the built-in 'sample' corpus (a Markov chain) to a directory and print its optimal perplexity.")
final class SampleDataCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/sample", description = "directory to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() {
        SampleCorpus corpus = SampleCorpus.standard();
        corpus.writeTo(out);
        System.out.printf("wrote %s | entropy rate %.4f nats/token | optimal ppl %.3f%n", out, corpus.entropyRate(),
                corpus.optimalPerplexity());
        return 0;
    }
}
