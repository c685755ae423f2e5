package dev.wordlm.cli;

import dev.wordlm.checkpoint.Checkpoint;
import dev.wordlm.checkpoint.OnnxExport;
import dev.wordlm.checkpoint.StateDict;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A checkpoint's model in a format other tools read. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a checkpoint's model for other tools: safetensors with the parameter names of the "
                + "reference's RNNModel.state_dict(), its configuration and vocabulary as metadata; or an ONNX graph "
                + "(what the reference's --onnx-export gives) for ONNX Runtime or Triton, the hidden state as input and "
                + "output.")
final class ExportCommand implements Callable<Integer> {
    /** Formats a model can be exported to, with their file extensions. */
    enum Format {
        SAFETENSORS("safetensors"), ONNX("onnx");

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    @Option(names = "--format", defaultValue = "safetensors", description = "output format: ${COMPLETION-CANDIDATES} "
            + "(default: ${DEFAULT-VALUE})")
    Format format;
    @Option(names = "--checkpoint", defaultValue = "model.wlm", description = "model checkpoint to export (default: ${DEFAULT-VALUE})")
    Path checkpoint;
    @Option(names = "--out", description = "file to write (default: model.safetensors, or model.onnx with --format onnx)")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path file = out != null ? out : Path.of("model." + format.extension);
        Checkpoint cp = Checkpoint.load(checkpoint);
        ModelConfig c = cp.info().model();
        String what = switch (format) {
            case SAFETENSORS -> {
                StateDict.export(cp, file);
                yield StateDict.referenceShapes(c).size() + " tensors";
            }
            case ONNX -> {
                OnnxExport.export(cp, file);
                yield "ONNX opset " + OnnxExport.OPSET + ", inputs input" + (c.type() == ModelType.LSTM ? ", h0, c0" : ", h0");
            }
        };
        System.out.printf("exported %s %dx%d (emsize %d, %d words%s) from %s to %s (%d bytes, %s)%n", c.type(),
                c.nlayers(), c.nhid(), c.emsize(), c.vocabSize(), c.tied() ? ", tied" : "", checkpoint, file,
                Files.size(file), what);
        return 0;
    }
}
