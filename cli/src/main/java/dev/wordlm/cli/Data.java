package dev.wordlm.cli;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves {@code --data}: a corpus directory, or {@code sample} for the built-in generated corpus. */
final class Data {
    static final String SAMPLE = "sample";

    private Data() {
    }

    static Corpus load(String data) {
        if (SAMPLE.equals(data) && !Files.isDirectory(Path.of(data))) {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "wordlm-sample-" + SampleCorpus.STANDARD_SEED);
            if (!Files.exists(dir.resolve("test.txt"))) {
                SampleCorpus.standard().writeTo(dir);
            }
            return Corpus.load(dir);
        }
        return Corpus.load(Path.of(data));
    }
}
