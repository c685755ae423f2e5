package dev.wordlm.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.StateDict;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.engine.Engines;
import dev.wordlm.generation.LanguageModel;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A model trained elsewhere (the reference in Python) as a checkpoint that generate, score and the services use. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Make a checkpoint from a state dict of the reference's RNNModel saved as safetensors.")
final class ImportCommand implements Callable<Integer> {
    /** Formats a model can be imported from (an ONNX graph is for serving, not a source of checkpoints). */
    enum Format { SAFETENSORS }

    @Option(names = "--format", defaultValue = "safetensors", description = "input format: ${COMPLETION-CANDIDATES} "
            + "(default: ${DEFAULT-VALUE})")
    Format format;
    @Option(names = "--in", required = true, description = "file to import")
    Path in;
    @Option(names = "--out", defaultValue = "model.wlm", description = "checkpoint to write (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--data", description = "the corpus the model was trained on: its vocabulary in the reference's "
            + "order (what the model's indices mean), and its validation loss is recorded")
    String data;
    @Option(names = "--vocab", description = "vocabulary file, one word per line in index order (else --data, else "
            + "the file's vocabulary metadata)")
    Path vocab;
    @Option(names = "--model", description = "cell type, for a file without config metadata whose shapes cannot tell it "
            + "(RNN_TANH or RNN_RELU)")
    String model;

    @Override
    public Integer call() throws Exception {
        StateDict.Imported imported = StateDict.read(in, model == null ? null : ModelType.parse(model));
        Corpus corpus = data == null ? null : Data.load(data);
        Vocabulary vocabulary = vocabulary(imported, corpus);
        ModelConfig c = imported.model();
        Engines.pytorch();
        Checkpoint.Info info;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel lm = imported.toModel(m, Device.cpu())) {
            String fingerprint = corpus == null ? "" : corpus.fingerprint();
            double lr = imported.architecture().lr();
            info = Checkpoint.save(out, lm, imported.architecture(), vocabulary, 0, lr, Double.NaN, Double.NaN, fingerprint);
            if (corpus != null) {
                double loss;
                try (LanguageModel scorer = LanguageModel.load(out, Device.cpu())) {
                    loss = scorer.score(text(corpus.valid(), vocabulary)).loss();
                }
                info = Checkpoint.save(out, lm, imported.architecture(), vocabulary, 0, lr, loss, loss, fingerprint);
            }
        }
        System.out.printf("imported %s %dx%d (emsize %d, %d words%s) from %s to %s (sha256 %s)%s%n", c.type(), c.nlayers(),
                c.nhid(), c.emsize(), c.vocabSize(), c.tied() ? ", tied" : "", in, out, info.sha256(),
                Double.isNaN(info.validLoss()) ? ""
                        : String.format(" | valid loss %.4f | valid ppl %.2f", info.validLoss(), Math.exp(info.validLoss())));
        return 0;
    }

    /** --vocab, else the corpus's, else the file's own; where two are given they must agree, word for word. */
    private Vocabulary vocabulary(StateDict.Imported imported, Corpus corpus) throws Exception {
        Vocabulary chosen;
        String source;
        if (vocab != null) {
            List<String> words = Files.readAllLines(vocab, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(w -> !w.isEmpty()).toList();
            chosen = Vocabulary.of(words);
            source = "--vocab " + vocab;
        } else if (corpus != null) {
            chosen = corpus.vocabulary();
            source = "the corpus " + data;
        } else {
            chosen = imported.vocabulary().orElseThrow(() -> new IllegalArgumentException("vocab: " + in
                    + " has no vocabulary metadata: pass --data DIR (the corpus the model was trained on) or --vocab FILE"));
            source = in + "'s metadata";
        }
        int expected = imported.model().vocabSize();
        if (chosen.size() != expected) {
            throw new IllegalArgumentException("vocab: " + source + " has " + chosen.size() + " words, the model has "
                    + expected);
        }
        if (corpus != null && chosen != corpus.vocabulary()) {
            requireSame(chosen, source, corpus.vocabulary(), "the corpus " + data);
        }
        imported.vocabulary().ifPresent(v -> requireSame(chosen, source, v, in + "'s metadata"));
        return chosen;
    }

    private static void requireSame(Vocabulary a, String aName, Vocabulary b, String bName) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.word(i).equals(b.word(i))) {
                throw new IllegalArgumentException("vocab: " + aName + " and " + bName + " differ at index " + i + " ('"
                        + a.word(i) + "' against '" + b.word(i) + "'): the model's indices would mean other words");
            }
        }
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("vocab: " + aName + " has " + a.size() + " words, " + bName + " " + b.size());
        }
    }

    /** Token ids back to text that tokenises to them again: a line per {@code <eos>}. */
    private static String text(int[] ids, Vocabulary vocabulary) {
        StringBuilder sb = new StringBuilder(ids.length * 6);
        for (int id : ids) {
            String w = vocabulary.word(id);
            if (w.equals(Vocabulary.EOS)) {
                sb.append('\n');
            } else {
                sb.append(w).append(' ');
            }
        }
        return sb.toString();
    }
}
