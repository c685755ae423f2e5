package dev.wordlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wordlm.corpus.SampleCorpus;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end: train, generate, score, and clear errors for bad arguments. */
class CliTest {
    @TempDir
    static Path dir;
    static Path model;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        StringWriter usage = new StringWriter();
        cli.setOut(new PrintWriter(usage, true));
        try {
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8) + usage, err.toString());
        } finally {
            System.setOut(previous);
        }
    }

    @BeforeAll
    static void train() {
        new SampleCorpus(10, 3, 4000, 600, 600, 1).writeTo(dir.resolve("data"));
        model = dir.resolve("m.wlm");
        Run r = run("train", "--data", dir.resolve("data").toString(), "--emsize", "16", "--nhid", "16", "--epochs", "2",
                "--batch-size", "10", "--log-interval", "5", "--save", model.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| end of epoch   2 |"), r.out());
        assertTrue(r.out().contains("| End of training | test loss"), r.out());
        assertTrue(Files.exists(model));
        assertTrue(Files.exists(dir.resolve("m.last.wlm")));
    }

    @Test
    void generateWritesTwentyWordsPerLine() throws Exception {
        Path outf = dir.resolve("gen.txt");
        Run r = run("generate", "--checkpoint", model.toString(), "--outf", outf.toString(), "--words", "45", "--seed", "3");
        assertEquals(0, r.exit(), r.err());
        String[] lines = Files.readString(outf).split("\n", -1);
        assertEquals(20, lines[0].trim().split(" ").length);
        assertEquals(20, lines[1].trim().split(" ").length);
        assertEquals(5, lines[2].trim().split(" ").length);
        Run again = run("generate", "--checkpoint", model.toString(), "--outf", dir.resolve("gen2.txt").toString(),
                "--words", "45", "--seed", "3");
        assertEquals(0, again.exit());
        assertEquals(Files.readString(outf), Files.readString(dir.resolve("gen2.txt")));
    }

    @Test
    void generateToStdoutEndsWithALineBreak() {
        for (int words : new int[] {7, 40}) {
            Run r = run("generate", "--checkpoint", model.toString(), "--outf", "-", "--words", Integer.toString(words));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().endsWith("\n"), "ends with a line break: [" + r.out() + "]");
            assertFalse(r.out().endsWith("\n\n"), "one line break, not an empty line: [" + r.out() + "]");
            assertEquals(words, r.out().trim().split("\\s+").length, r.out());
        }
    }

    @Test
    void scorePrintsPerplexity() {
        Run r = run("score", "--checkpoint", model.toString(), "--file", dir.resolve("data/test.txt").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s)tokens \\d+ \\| unknown 0 \\| loss [0-9.]+ \\| ppl [0-9.]+ \\| uniform guess ppl \\d+ \\| (one stream|10 columns)\\s*"), r.out());
    }

    @Test
    void badArgumentsAreOneClearLine() {
        Run temp = run("generate", "--checkpoint", model.toString(), "--temperature", "0.0001");
        assertEquals(1, temp.exit());
        assertTrue(temp.err().startsWith("error: temperature: has to be greater or equal 1e-3"), temp.err());

        Run type = run("train", "--model", "CNN", "--data", dir.resolve("data").toString());
        assertEquals(2, type.exit(), "a usage error, as a flag's value that is not a number");
        assertTrue(type.err().contains("Invalid value for option '--model': unknown model type 'CNN'"), type.err());

        Run number = run("train", "--emsize", "wide", "--data", dir.resolve("data").toString());
        assertEquals(2, number.exit());
        assertTrue(number.err().contains("Invalid value for option '--emsize': must be an integer, got 'wide'"), number.err());

        Run range = run("train", "--batch_size", "0", "--data", dir.resolve("data").toString());
        assertEquals(1, range.exit());
        assertTrue(range.err().contains("batchSize: must be between 1 and 4096, got 0"), range.err());

        Run tied = run("train", "--tied", "--emsize", "10", "--nhid", "20", "--data", dir.resolve("data").toString());
        assertEquals(1, tied.exit());
        assertTrue(tied.err().contains("tied: when using the tied flag, nhid must be equal to emsize"), tied.err());

        Run missing = run("generate", "--checkpoint", dir.resolve("nope.wlm").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());

        Run data = run("train", "--data", dir.resolve("nowhere").toString());
        assertEquals(1, data.exit());
        assertTrue(data.err().contains("does not exist"), data.err());
        assertTrue(!data.err().contains("\tat "), "no stack trace");

        Run unknownFlag = run("train", "--learning-rate", "3");
        assertEquals(2, unknownFlag.exit());
        assertTrue(unknownFlag.err().contains("Unknown option") && unknownFlag.err().contains("'--learning-rate'"),
                unknownFlag.err());
    }

    /** {@code --model Transformer}, as the reference spells it: train, generate and score from its checkpoint. */
    @Test
    void transformerTrainsGeneratesAndScores() {
        Path save = dir.resolve("transformer.wlm");
        Run r = run("train", "--model", "Transformer", "--nhead", "2", "--emsize", "16", "--nhid", "32", "--nlayers", "1",
                "--lr", "5", "--epochs", "1", "--bptt", "12", "--batch-size", "10", "--log-interval", "5",
                "--data", dir.resolve("data").toString(), "--save", save.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| end of epoch   1 |") && r.out().contains("| End of training | test loss"), r.out());
        Run g = run("generate", "--checkpoint", save.toString(), "--words", "30", "--prompt", "the a", "--outf", "-");
        assertEquals(0, g.exit(), g.err());
        assertEquals(30, g.out().trim().split("\\s+").length, g.out());
        Run s = run("score", "--checkpoint", save.toString(), "--file", dir.resolve("data/test.txt").toString());
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().matches("(?s)tokens \\d+ \\| unknown 0 \\| loss [0-9.]+ \\| ppl [0-9.]+ .*"), s.out());

        Run heads = run("train", "--model", "Transformer", "--emsize", "16", "--nhead", "3",
                "--data", dir.resolve("data").toString());
        assertEquals(1, heads.exit());
        assertTrue(heads.err().contains("nhead: emsize must be divisible by nhead"), heads.err());
        assertTrue(heads.err().contains("(emsize=16, nhead=3)"), heads.err());
    }

    @Test
    void dryRunChecksDataAndModelAndSavesNothing() {
        Path save = dir.resolve("dry.wlm");
        Run r = run("train", "--dry-run", "--data", dir.resolve("data").toString(), "--emsize", "8", "--nhid", "8",
                "--save", save.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| dry run: one batch of training"), r.out());
        assertTrue(r.out().contains("| end of epoch   1 |") && !r.out().contains("| end of epoch   2 |"), r.out());
        assertTrue(r.out().contains("| End of training | test loss"), r.out());
        assertFalse(Files.exists(save));
    }

    @Test
    void useOptimizerTrainsWithAdamWAndKeepsItsStateForResume() {
        Path save = dir.resolve("adamw.wlm");
        Run r = run("train", "--use-optimizer", "--lr", "0.002", "--epochs", "1", "--data", dir.resolve("data").toString(),
                "--emsize", "8", "--nhid", "8", "--save", save.toString(), "--log", dir.resolve("adamw.log").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| End of training | test loss"), r.out());
        dev.wordlm.checkpoint.Checkpoint last = dev.wordlm.checkpoint.Checkpoint.load(
                dev.wordlm.train.Trainer.resumePathFor(save));
        assertTrue(last.info().training().useOptimizer());
        assertEquals("AdamW", last.optimizerState().orElseThrow().type());
        assertTrue(last.optimizerState().orElseThrow().step() > 0);
    }

    @Test
    void cudaWithoutAGpuSaysSo() {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.wordlm.engine.Engines.gpuAvailable(), "this machine has a GPU");
        Run r = run("generate", "--checkpoint", model.toString(), "--cuda");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("no CUDA GPU is visible"), r.err());
    }

    @Test
    void generateHelpShowsTheSamplingDefaults() {
        String flat = Main.commandLine().getSubcommands().get("generate").getUsageMessage().replaceAll("\\s+", " ");
        for (var h : dev.wordlm.generation.GenerationOptions.ALL) {
            String shown = h.flags().get(0) + "=";
            assertTrue(flat.contains(shown), shown + " in " + flat);
            assertTrue(flat.contains("(default: " + h.formattedDefault() + ")"), h.name() + " in " + flat);
        }
    }

    @Test
    void helpListsTheReferenceFlags() {
        String usage = Main.commandLine().getSubcommands().get("train").getUsageMessage();
        for (String flag : new String[] {"--data", "--model", "--emsize", "--nhid", "--nlayers", "--lr", "--clip", "--epochs",
            "--batch-size", "--bptt", "--dropout", "--decay", "--tied", "--seed", "--cuda", "--log-interval", "--save",
            "--nhead"}) {
            assertTrue(usage.contains(flag), flag + " in " + usage);
        }
        String flat = usage.replaceAll("\\s+", " ");
        for (var h : dev.wordlm.train.TrainOptions.ALL) {
            assertTrue(flat.contains(h.flags().get(0)), h.name());
            if (!h.kind().isFlag()) {
                String shown = "(default: " + h.formattedDefault() + ")";
                assertTrue(flat.contains(shown), shown + " for " + h.name() + " in " + flat);
            }
        }
    }
}
