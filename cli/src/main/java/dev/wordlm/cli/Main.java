package dev.wordlm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./lm}: the reference's {@code main.py} and {@code generate.py} as subcommands. */
@Command(name = "lm", mixinStandardHelpOptions = true, version = "wordlm 0.1.0",
        description = "Word-level RNN/LSTM/GRU language models on DJL (PyTorch engine).",
        subcommands = {TrainCommand.class, GenerateCommand.class, ScoreCommand.class, BenchCommand.class,
            SampleDataCommand.class, ExportCommand.class, ImportCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: user-facing failures print one clear line, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --progress auto, as the help spells it
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("LM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli;
    }
}
