package dev.wordlm.checkpoint;

import com.google.gson.JsonArray;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's model as an ONNX graph, what the reference's {@code --onnx-export} gives ({@code torch.onnx.export}
 * of {@code RNNModel} in evaluation mode), so ONNX Runtime or Triton can serve it. Written as an ONNX
 * {@code ModelProto} directly in protobuf's wire format (field numbers of {@code onnx.proto}).
 *
 * <p>Inputs: {@code input} int64 (seq, batch) token ids, {@code h0} float32 (nlayers, batch, nhid) and, for LSTM,
 * {@code c0}. Outputs: {@code output} float32 (seq * batch, vocab) log-probabilities (the reference's {@code RNNModel}
 * returns {@code log_softmax} of the decoder), {@code hn} and, for LSTM, {@code cn}, shaped as {@code h0}. seq and
 * batch are free dimensions. The graph: {@code Gather} (embedding), per layer one ONNX {@code LSTM} / {@code GRU}
 * ({@code linear_before_reset=1}) / {@code RNN} ({@code Tanh} or {@code Relu}) op and a {@code Squeeze} of its
 * direction axis, {@code Concat} of the layers' final states, {@code Reshape} and {@code Gemm} (the decoder's
 * MatMul and Add in one op, with the weight transposed as {@code nn.Linear} stores it), {@code LogSoftmax}.
 */
public final class OnnxExport {
    static final int IR_VERSION = 8;
    public static final int OPSET = 17;

    // onnx.proto field numbers
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    private static final int OPSET_VERSION = 2;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTR_NAME = 1;
    private static final int ATTR_I = 3;
    private static final int ATTR_STRINGS = 9;
    private static final int ATTR_TYPE = 20;
    private static final int ATTR_TYPE_INT = 2;
    private static final int ATTR_TYPE_STRINGS = 8;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private OnnxExport() {
    }

    /** Writes the ONNX model of a checkpoint. */
    public static void export(Checkpoint checkpoint, Path out) {
        try {
            Files.write(out, model(checkpoint));
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** The serialised {@code ModelProto}. */
    public static byte[] model(Checkpoint checkpoint) {
        ModelConfig c = checkpoint.info().model();
        Cell cell = Cell.of(c.type());
        Map<String, float[]> w = checkpoint.weights();
        int h = c.nhid();
        int g = c.type().gates() * h;
        boolean lstm = c.type() == ModelType.LSTM;

        ProtoWriter graph = new ProtoWriter().string(GRAPH_NAME, "RNNModel");
        List<ProtoWriter> nodes = new ArrayList<>();
        List<ProtoWriter> initializers = new ArrayList<>();
        initializers.add(floats(RnnLanguageModel.ENCODER_WEIGHT, w.get(RnnLanguageModel.ENCODER_WEIGHT), c.vocabSize(),
                c.emsize()));
        nodes.add(node("Gather", List.of(RnnLanguageModel.ENCODER_WEIGHT, "input"), List.of("emb"),
                intAttr("axis", 0)));
        List<String> h0 = split(nodes, "h0", c.nlayers());
        List<String> c0 = lstm ? split(nodes, "c0", c.nlayers()) : List.of();
        initializers.add(int64s("squeeze_axes", new long[] {1}, 1));
        String x = "emb";
        List<String> hn = new ArrayList<>();
        List<String> cn = new ArrayList<>();
        for (int layer = 0; layer < c.nlayers(); layer++) {
            int in = layer == 0 ? c.emsize() : h;
            String wName = "W_l" + layer;
            String rName = "R_l" + layer;
            String bName = "B_l" + layer;
            initializers.add(floats(wName, cell.reorder(w.get("rnn.weight_ih_l" + layer), h, in), 1, g, in));
            initializers.add(floats(rName, cell.reorder(w.get("rnn.weight_hh_l" + layer), h, h), 1, g, h));
            float[] bias = new float[2 * g];
            System.arraycopy(cell.reorder(w.get("rnn.bias_ih_l" + layer), h, 1), 0, bias, 0, g);
            System.arraycopy(cell.reorder(w.get("rnn.bias_hh_l" + layer), h, 1), 0, bias, g, g);
            initializers.add(floats(bName, bias, 1, 2 * g));
            List<String> inputs = new ArrayList<>(List.of(x, wName, rName, bName, "", h0.get(layer)));
            List<String> outputs = new ArrayList<>(List.of("Y_l" + layer, "hn_l" + layer));
            hn.add("hn_l" + layer);
            if (lstm) {
                inputs.add(c0.get(layer));
                outputs.add("cn_l" + layer);
                cn.add("cn_l" + layer);
            }
            List<ProtoWriter> attrs = new ArrayList<>(List.of(intAttr("hidden_size", h)));
            attrs.addAll(cell.attributes());
            nodes.add(node(cell.op, inputs, outputs, attrs.toArray(ProtoWriter[]::new)));
            x = "layer_out_l" + layer;
            nodes.add(node("Squeeze", List.of("Y_l" + layer, "squeeze_axes"), List.of(x))); // (seq, 1 direction, batch, h)
        }
        nodes.add(node("Concat", hn, List.of("hn"), intAttr("axis", 0)));
        if (lstm) {
            nodes.add(node("Concat", cn, List.of("cn"), intAttr("axis", 0)));
        }
        initializers.add(int64s("flat_shape", new long[] {-1, h}, 2));
        nodes.add(node("Reshape", List.of(x, "flat_shape"), List.of("flat")));
        String decoderWeight = c.tied() ? RnnLanguageModel.ENCODER_WEIGHT : RnnLanguageModel.DECODER_WEIGHT;
        if (!c.tied()) {
            initializers.add(floats(RnnLanguageModel.DECODER_WEIGHT, w.get(RnnLanguageModel.DECODER_WEIGHT),
                    c.vocabSize(), h));
        }
        initializers.add(floats(RnnLanguageModel.DECODER_BIAS, w.get(RnnLanguageModel.DECODER_BIAS), c.vocabSize()));
        nodes.add(node("Gemm", List.of("flat", decoderWeight, RnnLanguageModel.DECODER_BIAS), List.of("decoded"),
                intAttr("transB", 1)));
        nodes.add(node("LogSoftmax", List.of("decoded"), List.of("output"), intAttr("axis", 1)));

        nodes.forEach(n -> graph.message(GRAPH_NODE, n));
        initializers.forEach(t -> graph.message(GRAPH_INITIALIZER, t));
        graph.message(GRAPH_INPUT, valueInfo("input", INT64, "seq", "batch"));
        graph.message(GRAPH_INPUT, valueInfo("h0", FLOAT, c.nlayers(), "batch", h));
        if (lstm) {
            graph.message(GRAPH_INPUT, valueInfo("c0", FLOAT, c.nlayers(), "batch", h));
        }
        graph.message(GRAPH_OUTPUT, valueInfo("output", FLOAT, "seq_x_batch", c.vocabSize()));
        graph.message(GRAPH_OUTPUT, valueInfo("hn", FLOAT, c.nlayers(), "batch", h));
        if (lstm) {
            graph.message(GRAPH_OUTPUT, valueInfo("cn", FLOAT, c.nlayers(), "batch", h));
        }

        JsonArray words = new JsonArray();
        checkpoint.info().vocabulary().words().forEach(words::add);
        return new ProtoWriter()
                .int64(MODEL_IR_VERSION, IR_VERSION)
                .string(MODEL_PRODUCER_NAME, "wordlm")
                .message(MODEL_GRAPH, graph)
                .message(MODEL_OPSET_IMPORT, new ProtoWriter().int64(OPSET_VERSION, OPSET)) // default domain: ai.onnx
                .message(MODEL_METADATA_PROPS, entry(StateDict.CONFIG, StateDict.configJson(c).toString()))
                .message(MODEL_METADATA_PROPS, entry(StateDict.VOCABULARY, words.toString()))
                .toByteArray();
    }

    /**
     * How each cell maps to its ONNX op. PyTorch stacks gate blocks i, f, g, o (LSTM) and r, z, n (GRU); ONNX wants
     * i, o, f, c and z, r, h: {@code order} lists, for each ONNX block, the PyTorch block it is.
     */
    private record Cell(String op, int[] order, String activation, boolean linearBeforeReset) {
        static Cell of(ModelType type) {
            return switch (type) {
                case LSTM -> new Cell("LSTM", new int[] {0, 3, 1, 2}, null, false);
                case GRU -> new Cell("GRU", new int[] {1, 0, 2}, null, true); // n = tanh(W x + b + r * (U h + b_hn))
                case RNN_TANH -> new Cell("RNN", new int[] {0}, "Tanh", false);
                case RNN_RELU -> new Cell("RNN", new int[] {0}, "Relu", false);
                default -> throw new IllegalArgumentException("ONNX export supports the recurrent models (RNN_TANH, "
                        + "RNN_RELU, LSTM, GRU), not " + type);
            };
        }

        /** A (gates * h, cols) row-major matrix (cols 1: a bias) with its gate blocks in ONNX's order. */
        float[] reorder(float[] pytorch, int h, int cols) {
            int block = h * cols;
            float[] onnx = new float[pytorch.length];
            for (int k = 0; k < order.length; k++) {
                System.arraycopy(pytorch, order[k] * block, onnx, k * block, block);
            }
            return onnx;
        }

        List<ProtoWriter> attributes() {
            List<ProtoWriter> a = new ArrayList<>();
            if (activation != null) {
                a.add(new ProtoWriter().string(ATTR_NAME, "activations").string(ATTR_STRINGS, activation)
                        .int64(ATTR_TYPE, ATTR_TYPE_STRINGS));
            }
            if (linearBeforeReset) {
                a.add(intAttr("linear_before_reset", 1));
            }
            return a;
        }
    }

    /** Splits a (nlayers, batch, h) state input into one (1, batch, h) per layer, as the per-layer ops take it. */
    private static List<String> split(List<ProtoWriter> nodes, String state, int layers) {
        if (layers == 1) {
            return List.of(state);
        }
        List<String> parts = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            parts.add(state + "_l" + l);
        }
        nodes.add(node("Split", List.of(state), parts, intAttr("axis", 0))); // equal parts, one per output
        return parts;
    }

    private static ProtoWriter node(String op, List<String> inputs, List<String> outputs, ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(i -> n.string(NODE_INPUT, i));
        outputs.forEach(o -> n.string(NODE_OUTPUT, o));
        n.string(NODE_NAME, op + "_" + outputs.get(0)).string(NODE_OP_TYPE, op);
        for (ProtoWriter a : attributes) {
            n.message(NODE_ATTRIBUTE, a);
        }
        return n;
    }

    private static ProtoWriter intAttr(String name, long value) {
        return new ProtoWriter().string(ATTR_NAME, name).int64(ATTR_I, value).int64(ATTR_TYPE, ATTR_TYPE_INT);
    }

    private static ProtoWriter floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN); // raw_data is little-endian
        raw.asFloatBuffer().put(values);
        return new ProtoWriter().packedInt64(TENSOR_DIMS, dims).int64(TENSOR_DATA_TYPE, FLOAT).string(TENSOR_NAME, name)
                .bytes(TENSOR_RAW_DATA, raw.array());
    }

    private static ProtoWriter int64s(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return new ProtoWriter().packedInt64(TENSOR_DIMS, dims).int64(TENSOR_DATA_TYPE, INT64).string(TENSOR_NAME, name)
                .bytes(TENSOR_RAW_DATA, raw.array());
    }

    /** A graph input or output: a tensor of {@code elemType} whose dimensions are numbers or named free dimensions. */
    private static ProtoWriter valueInfo(String name, int elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = d instanceof String param ? new ProtoWriter().string(DIM_PARAM, param)
                    : new ProtoWriter().int64(DIM_VALUE, ((Number) d).longValue());
            shape.message(SHAPE_DIM, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(TENSOR_TYPE_ELEM_TYPE, elemType).message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter().string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType));
    }

    private static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(ENTRY_KEY, key).string(ENTRY_VALUE, value);
    }
}
