package dev.wordlm.cli;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.engine.Engines;
import dev.wordlm.engine.NativeSettings;
import dev.wordlm.model.ModelType;
import dev.wordlm.train.CancellationToken;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.Trainer;
import dev.wordlm.train.TrainingListener;
import dev.wordlm.train.TrainingResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code main.py}: train a model, Ctrl-C stops early and still evaluates on test. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "PyTorch PennTreeBank RNN/LSTM Language Model, in Java: train, save the best model, test it.")
final class TrainCommand implements Callable<Integer> {
    private static final TrainConfig D = TrainConfig.defaults();

    @Option(names = "--data", defaultValue = "sample", description = "location of the data corpus (a directory with "
            + "train.txt, valid.txt, test.txt), or 'sample' for the built-in generated corpus (default: ${DEFAULT-VALUE})")
    String data;
    @Option(names = "--model", defaultValue = "LSTM", description = "type of recurrent net (RNN_TANH, RNN_RELU, LSTM, GRU)")
    String model;
    @Option(names = "--emsize", defaultValue = "200", description = "size of word embeddings (default: ${DEFAULT-VALUE})")
    int emsize;
    @Option(names = "--nhid", defaultValue = "200", description = "number of hidden units per layer (default: ${DEFAULT-VALUE})")
    int nhid;
    @Option(names = "--nlayers", defaultValue = "2", description = "number of layers (default: ${DEFAULT-VALUE})")
    int nlayers;
    @Option(names = "--lr", defaultValue = "20", description = "initial learning rate (default: ${DEFAULT-VALUE})")
    double lr;
    @Option(names = "--clip", defaultValue = "0.25", description = "gradient clipping (default: ${DEFAULT-VALUE})")
    double clip;
    @Option(names = "--epochs", defaultValue = "40", description = "upper epoch limit (default: ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = {"--batch-size", "--batch_size"}, defaultValue = "20", paramLabel = "N",
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--bptt", defaultValue = "35", description = "sequence length (default: ${DEFAULT-VALUE})")
    int bptt;
    @Option(names = "--dropout", defaultValue = "0.2", description = "dropout applied to layers (0 = no dropout) (default: ${DEFAULT-VALUE})")
    double dropout;
    @Option(names = "--decay", defaultValue = "4", description = "divide the learning rate by this when validation loss "
            + "does not improve (default: ${DEFAULT-VALUE})")
    double decay;
    @Option(names = "--tied", description = "tie the word embedding and softmax weights")
    boolean tied;
    @Option(names = "--seed", defaultValue = "1111", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--cuda", description = "use CUDA")
    boolean cuda;
    @Option(names = "--log-interval", defaultValue = "200", paramLabel = "N", description = "report interval (default: ${DEFAULT-VALUE})")
    int logInterval;
    @Option(names = "--save", defaultValue = "model.wlm", description = "path to save the final model (default: ${DEFAULT-VALUE}); "
            + "the last epoch's state goes next to it as <name>.last.wlm")
    Path save;
    @Option(names = "--resume", description = "continue from the last epoch's state saved next to --save, if there is one")
    boolean resume;
    @Option(names = "--threads", defaultValue = "0", description = "CPU threads for PyTorch (0 = the CPUs this process may use)")
    int threads;

    @Override
    public Integer call() throws Exception {
        Engines.threads(threads);
        System.err.println("lm: " + NativeSettings.describe()); // stderr: stdout keeps the reference's log lines
        TrainConfig config = new TrainConfig(ModelType.parse(model), emsize, nhid, nlayers, lr, clip, epochs, batchSize,
                bptt, dropout, decay, tied, seed, cuda, logInterval).validated();
        Corpus corpus = Data.load(data);
        CancellationToken cancel = new CancellationToken();
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: stop after the current batch, evaluate the best model on test, then let the JVM exit.
        Thread hook = new Thread(() -> {
            cancel.cancel();
            try {
                finished.await(30, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        Path last = Trainer.resumePathFor(save);
        if (!resume) {
            java.nio.file.Files.deleteIfExists(last);
        }
        try {
            TrainingListener printer = new TrainingListener() {
                @Override
                public void onLog(String line) {
                    System.out.println(line);
                }
            };
            TrainingResult result = new Trainer(config, corpus, save, last, printer, cancel).train();
            if (result.bestCheckpoint() != null) {
                System.out.println("best model saved to " + result.bestCheckpoint());
            }
            return 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting after Ctrl-C: the hook is running and lets it finish
            }
        }
    }
}
