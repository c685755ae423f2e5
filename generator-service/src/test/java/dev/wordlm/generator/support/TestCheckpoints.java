package dev.wordlm.generator.support;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.corpus.Corpus;
import dev.wordlm.corpus.SampleCorpus;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.engine.Engines;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real checkpoint files made with the common module's code, as the trainer makes them. */
public final class TestCheckpoints {
    /** The sample corpus every test model reads: 15 words and {@code <eos>}, no {@code <unk>}. */
    public static final long CORPUS_SEED = 7;

    private TestCheckpoints() {
    }

    public static Corpus sampleCorpus(Path dir) {
        return Corpus.load(new SampleCorpus(15, 3, 5000, 500, 500, CORPUS_SEED).writeTo(dir.resolve("corpus")));
    }

    /** A tiny LSTM trained for one epoch on the sample corpus (a few seconds). */
    public static byte[] trained(Path dir, long seed) {
        Corpus corpus = sampleCorpus(dir);
        TrainConfig config = TrainConfig.builder().size(16).nlayers(1).epochs(1).dropout(0).seed(seed)
                .logInterval(1000).build();
        Path save = dir.resolve("trained-" + seed + Checkpoint.FILE_EXTENSION);
        new Trainer(config, corpus, save, null, null, null).train();
        return read(save);
    }

    /** An untrained tiny LSTM over the sample corpus' vocabulary: instant, and still generates real words. */
    public static byte[] untrained(Path dir, long seed) {
        Corpus corpus = sampleCorpus(dir);
        return untrained(dir, corpus.vocabulary(), 16, 16, 1, seed);
    }

    /** An untrained tiny Transformer (one layer, 16 wide, two heads) over the sample corpus' vocabulary. */
    public static byte[] untrainedTransformer(Path dir, long seed) {
        Corpus corpus = sampleCorpus(dir);
        Engines.pytorch().setRandomSeed((int) seed);
        TrainConfig training = TrainConfig.builder().model(ModelType.TRANSFORMER).emsize(16).nhid(32).nlayers(1)
                .nhead(2).bptt(10).epochs(1).dropout(0).seed(seed).build();
        return save(dir.resolve("untrained-transformer-" + seed + Checkpoint.FILE_EXTENSION), training,
                corpus.vocabulary());
    }

    /** An untrained model of the reference's default size: 10000 words, LSTM 2 x 200 (about 18.6 MB). */
    public static byte[] ptbSized(Path dir, long seed) {
        List<String> words = new ArrayList<>();
        words.add(Vocabulary.EOS);
        for (int i = 1; i < 10_000; i++) {
            words.add("w" + i);
        }
        return untrained(dir, Vocabulary.of(words), 200, 200, 2, seed);
    }

    private static byte[] untrained(Path dir, Vocabulary vocabulary, int emsize, int nhid, int nlayers, long seed) {
        Engines.pytorch().setRandomSeed((int) seed);
        TrainConfig training = TrainConfig.builder().emsize(emsize).nhid(nhid).nlayers(nlayers).epochs(1).dropout(0)
                .seed(seed).build();
        return save(dir.resolve("untrained-" + vocabulary.size() + "-" + seed + Checkpoint.FILE_EXTENSION), training,
                vocabulary);
    }

    private static byte[] save(Path save, TrainConfig training, Vocabulary vocabulary) {
        ModelConfig config = training.modelConfig(vocabulary.size());
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             RnnLanguageModel model = RnnLanguageModel.initialize(config, root, Device.cpu())) {
            Checkpoint.save(save, model, training, vocabulary, 0, 20.0, Math.log(vocabulary.size()),
                    Math.log(vocabulary.size()), "untrained");
        }
        return read(save);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
