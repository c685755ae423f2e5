package dev.wordlm.cli;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.StateDict;
import dev.wordlm.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A checkpoint's model in a format other tools read. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a checkpoint's model for other tools: safetensors with the parameter names of the "
                + "reference's RNNModel.state_dict(), its configuration and vocabulary as metadata.")
final class ExportCommand implements Callable<Integer> {
    /** Formats a model can be exported to (and imported from). */
    enum Format { SAFETENSORS }

    @Option(names = "--format", defaultValue = "safetensors", description = "output format: ${COMPLETION-CANDIDATES} "
            + "(default: ${DEFAULT-VALUE})")
    Format format;
    @Option(names = "--checkpoint", defaultValue = "model.wlm", description = "model checkpoint to export (default: ${DEFAULT-VALUE})")
    Path checkpoint;
    @Option(names = "--out", defaultValue = "model.safetensors", description = "file to write (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        Checkpoint cp = Checkpoint.load(checkpoint);
        StateDict.export(cp, out);
        ModelConfig c = cp.info().model();
        System.out.printf("exported %s %dx%d (emsize %d, %d words%s) from %s to %s (%d bytes, %d tensors)%n", c.type(),
                c.nlayers(), c.nhid(), c.emsize(), c.vocabSize(), c.tied() ? ", tied" : "", checkpoint, out,
                Files.size(out), StateDict.referenceShapes(c).size());
        return 0;
    }
}
