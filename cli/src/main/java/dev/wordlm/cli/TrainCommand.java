package dev.wordlm.cli;

import dev.wordlm.corpus.Corpus;
import dev.wordlm.engine.Engines;
import dev.wordlm.engine.NativeSettings;
import dev.wordlm.train.CancellationToken;
import dev.wordlm.train.TrainConfig;
import dev.wordlm.train.TrainOptions;
import dev.wordlm.train.Trainer;
import dev.wordlm.train.TrainingListener;
import dev.wordlm.train.TrainingResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code main.py}: train a model, Ctrl-C stops early and still evaluates on test. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = TrainCommand.Flags.class,
        description = "PyTorch PennTreeBank RNN/LSTM Language Model, in Java: train, save the best model, test it.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", order = 0, defaultValue = "sample", description = "location of the data corpus (a directory with "
            + "train.txt, valid.txt, test.txt), or 'sample' for the built-in generated corpus (default: ${DEFAULT-VALUE})")
    String data;
    @Option(names = "--save", order = 100, defaultValue = "model.wlm", description = "path to save the final model (default: ${DEFAULT-VALUE}); "
            + "the last epoch's state goes next to it as <name>.last.wlm")
    Path save;
    @Option(names = "--resume", order = 101, description = "continue from the last epoch's state saved next to --save, if there is one")
    boolean resume;
    @Option(names = "--threads", order = 102, defaultValue = "0", description = "CPU threads for PyTorch (0 = the CPUs this process may use)")
    int threads;
    // How a run is shown and recorded, not how it trains: CLI-only, like --save (the trainer's runs have their own
    // metrics API and event stream), so they are not hyperparameters in TrainOptions.
    @Option(names = "--progress", order = 103, defaultValue = "auto", paramLabel = "WHEN", description = "a progress bar "
            + "per epoch instead of the interval log lines: auto (when stdout is a terminal), always or never "
            + "(default: ${DEFAULT-VALUE})")
    Progress progress;
    @Option(names = "--metrics-out", order = 104, paramLabel = "FILE", description = "write one JSON line per log "
            + "interval, per epoch and for the test to FILE (kind, epoch, batch, trainLoss, validLoss, lr, "
            + "tokensPerSecond, seconds)")
    Path metricsOut;
    @Option(names = "--log", order = 105, paramLabel = "FILE", description = "the log file: the reference's lines, the "
            + "interval lines too, whatever the terminal shows (default: next to --save as <name>.log; none for --dry-run)")
    Path log;

    /** When {@code --progress} draws a bar. */
    enum Progress {
        AUTO, ALWAYS, NEVER;

        boolean drawsBar(boolean terminal) {
            return this == ALWAYS || this == AUTO && terminal;
        }
    }

    @Override
    public Integer call() throws Exception {
        Engines.threads(threads);
        System.err.println("lm: " + NativeSettings.describe()); // stderr: stdout keeps the reference's log lines
        TrainConfig config = HyperparameterFlags.read(spec, TrainOptions.ALL, TrainConfig.builder()).build().validated();
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
        Path logFile = log != null ? log : config.dryRun() ? null : Trainer.logPathFor(save);
        try (LineFile logLines = logFile == null ? null : new LineFile(logFile, resume);
             LineFile metricsLines = metricsOut == null ? null : new LineFile(metricsOut, resume)) {
            TrainingListener terminal = progress.drawsBar(System.console() != null)
                    ? new ProgressBar(System.out, System::nanoTime) : TrainingListener.logTo(System.out::println);
            TrainingListener listener = TrainingListener.all(terminal,
                    logLines == null ? new TrainingListener() { } : TrainingListener.logTo(logLines::line),
                    metricsLines == null ? new TrainingListener() { } : new MetricsFile(metricsLines));
            TrainingResult result = new Trainer(config, corpus, save, last, listener, cancel).train();
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

    /** The hyperparameter flags, from {@link TrainOptions}: between {@code --data} and {@code --save} in the help. */
    static final class Flags implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            HyperparameterFlags.addTo(spec, TrainOptions.ALL, 1);
            return spec;
        }
    }
}
