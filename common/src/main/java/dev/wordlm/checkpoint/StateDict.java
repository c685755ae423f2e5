package dev.wordlm.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.wordlm.corpus.Vocabulary;
import dev.wordlm.model.ModelConfig;
import dev.wordlm.model.ModelType;
import dev.wordlm.model.RnnLanguageModel;
import dev.wordlm.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model as the {@code state_dict()} of the reference's {@code RNNModel} (pytorch/examples word_language_model
 * {@code model.py}), in a safetensors file: {@code encoder.weight}, then per layer {@code rnn.weight_ih_lK},
 * {@code rnn.weight_hh_lK}, {@code rnn.bias_ih_lK}, {@code rnn.bias_hh_lK}, then {@code decoder.weight} and
 * {@code decoder.bias}. Our parameters already carry these names and PyTorch's layout (the recurrent ops are
 * PyTorch's own: gates i, f, g, o for LSTM and r, z, n for GRU, stacked along the first dimension), so values pass
 * through unchanged.
 *
 * <p>A tied model's state dict holds {@code encoder.weight} and {@code decoder.weight} as one tensor. The export
 * writes both (the same values twice), because {@code load_state_dict(strict=True)} wants every key and a
 * safetensors file cannot let two names share bytes. The import also takes a file with just one of the two, as
 * {@code safetensors.torch.save_model} writes for shared tensors.
 *
 * <p>Metadata (strings, as the format requires): {@code format} = {@code pt}; {@code config}, a JSON object of the
 * reference's constructor arguments ({@code RNNModel(**json.loads(config))} rebuilds the model); and
 * {@code vocabulary}, a JSON list of the words in index order (the reference's {@code corpus.dictionary.idx2word}).
 */
public final class StateDict {
    static final String FORMAT = "format";
    static final String CONFIG = "config";
    static final String VOCABULARY = "vocabulary";

    private StateDict() {
    }

    /** Names and shapes of the reference's {@code state_dict()} for a configuration, in its order. */
    public static Map<String, long[]> referenceShapes(ModelConfig c) {
        Map<String, long[]> s = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : RnnLanguageModel.shapes(c).entrySet()) {
            if (c.tied() && e.getKey().equals(RnnLanguageModel.DECODER_BIAS)) {
                s.put(RnnLanguageModel.DECODER_WEIGHT, new long[] {c.vocabSize(), c.nhid()});
            }
            s.put(e.getKey(), e.getValue().getShape());
        }
        return s;
    }

    /** Writes a checkpoint's model as the reference's state dict, with its configuration and vocabulary. */
    public static void export(Checkpoint checkpoint, Path out) {
        ModelConfig c = checkpoint.info().model();
        Map<String, float[]> weights = checkpoint.weights();
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : referenceShapes(c).entrySet()) {
            String name = c.tied() && e.getKey().equals(RnnLanguageModel.DECODER_WEIGHT) ? RnnLanguageModel.ENCODER_WEIGHT
                    : e.getKey();
            tensors.put(e.getKey(), new Safetensors.Tensor(e.getValue(), weights.get(name)));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT, "pt");
        metadata.put(CONFIG, configJson(c).toString());
        JsonArray words = new JsonArray();
        checkpoint.info().vocabulary().words().forEach(words::add);
        metadata.put(VOCABULARY, words.toString());
        Safetensors.write(out, tensors, metadata);
    }

    /**
     * A state dict read back: the architecture (in a training configuration whose other options are the defaults),
     * the weights under our stored names, and the vocabulary if the file carries one.
     */
    public record Imported(TrainConfig architecture, ModelConfig model, Map<String, float[]> weights,
                           Optional<Vocabulary> vocabulary) {

        /** The model on a device; its arrays belong to a sub-manager of {@code parent}. */
        public RnnLanguageModel toModel(NDManager parent, Device device) {
            NDManager manager = parent.newSubManager(device);
            try {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                RnnLanguageModel.shapes(model).forEach((name, shape) -> arrays.put(name, manager.create(weights.get(name), shape)));
                return RnnLanguageModel.fromArrays(model, manager, arrays);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }
    }

    /**
     * Reads a state dict of the reference's {@code RNNModel}. The architecture comes from the {@code config} metadata
     * when present, else from the tensors' shapes; {@code type} (may be null) says the cell where the shapes cannot
     * (RNN_TANH and RNN_RELU look alike), and must agree with the file otherwise. Every tensor the model needs must be
     * there with its exact shape, and no other, as {@code load_state_dict(strict=True)} demands.
     */
    public static Imported read(Path file, ModelType type) {
        Safetensors.Contents contents = Safetensors.read(file);
        String name = file.toString();
        Map<String, Safetensors.Tensor> tensors = contents.tensors();
        String config = contents.metadata().get(CONFIG);
        TrainConfig architecture = config != null ? configFromJson(name, config, type) : inferArchitecture(name, tensors, type);
        int vocabSize = (int) firstShape(name, tensors, RnnLanguageModel.ENCODER_WEIGHT, RnnLanguageModel.DECODER_WEIGHT)[0];
        ModelConfig model;
        try {
            model = architecture.modelConfig(vocabSize);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(name + ": " + e.getMessage(), e);
        }

        Map<String, long[]> expected = referenceShapes(model);
        List<String> unexpected = new ArrayList<>();
        for (String t : tensors.keySet()) {
            if (!expected.containsKey(t)) {
                unexpected.add(t);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointException(name + ": unexpected tensors for " + describe(model) + ": " + String.join(", ", unexpected));
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Safetensors.Tensor t = tensors.get(e.getKey());
            if (t == null) {
                if (model.tied() && isEmbedding(e.getKey())) {
                    continue; // the other name of the tied weight is there: checked below
                }
                throw new CheckpointException(name + ": missing tensor " + e.getKey() + " for " + describe(model));
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new CheckpointException(name + ": tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(e.getValue()) + " for " + describe(model));
            }
            if (!(model.tied() && e.getKey().equals(RnnLanguageModel.DECODER_WEIGHT))) {
                weights.put(e.getKey(), t.values());
            }
        }
        if (model.tied()) {
            Safetensors.Tensor enc = tensors.get(RnnLanguageModel.ENCODER_WEIGHT);
            Safetensors.Tensor dec = tensors.get(RnnLanguageModel.DECODER_WEIGHT);
            if (enc == null && dec == null) {
                throw new CheckpointException(name + ": missing tensor encoder.weight (or decoder.weight, the same tensor when tied)");
            }
            if (enc != null && dec != null && !Arrays.equals(enc.values(), dec.values())) {
                throw new CheckpointException(name + ": the model is tied, but encoder.weight and decoder.weight differ");
            }
            weights.put(RnnLanguageModel.ENCODER_WEIGHT, (enc != null ? enc : dec).values());
            // the stored order puts the embedding first, like every other checkpoint
            Map<String, float[]> ordered = new LinkedHashMap<>();
            RnnLanguageModel.shapes(model).keySet().forEach(n -> ordered.put(n, weights.get(n)));
            weights.clear();
            weights.putAll(ordered);
        }
        Optional<Vocabulary> vocabulary = Optional.ofNullable(contents.metadata().get(VOCABULARY))
                .map(v -> vocabularyFromJson(name, v, vocabSize));
        return new Imported(architecture, model, weights, vocabulary);
    }

    private static boolean isEmbedding(String tensor) {
        return tensor.equals(RnnLanguageModel.ENCODER_WEIGHT) || tensor.equals(RnnLanguageModel.DECODER_WEIGHT);
    }

    private static long[] firstShape(String name, Map<String, Safetensors.Tensor> tensors, String... candidates) {
        for (String c : candidates) {
            Safetensors.Tensor t = tensors.get(c);
            if (t != null) {
                if (t.shape().length != 2) {
                    throw new CheckpointException(name + ": tensor " + c + " must have 2 dimensions, has shape "
                            + Arrays.toString(t.shape()));
                }
                return t.shape();
            }
        }
        throw new CheckpointException(name + ": missing tensor " + candidates[0] + " (not a state dict of the reference's RNNModel?)");
    }

    private static String describe(ModelConfig c) {
        return c.type() + " " + c.nlayers() + "x" + c.nhid() + " (emsize " + c.emsize() + ", " + c.vocabSize() + " words"
                + (c.tied() ? ", tied" : "") + ")";
    }

    /** The reference's {@code RNNModel} constructor arguments, as the exports' metadata gives them. */
    static JsonObject configJson(ModelConfig c) {
        JsonObject o = new JsonObject();
        o.addProperty("rnn_type", c.type().name());
        o.addProperty("ntoken", c.vocabSize());
        o.addProperty("ninp", c.emsize());
        o.addProperty("nhid", c.nhid());
        o.addProperty("nlayers", c.nlayers());
        o.addProperty("dropout", c.dropout());
        o.addProperty("tie_weights", c.tied());
        return o;
    }

    private static TrainConfig configFromJson(String name, String json, ModelType type) {
        try {
            JsonObject o = JsonParser.parseString(json).getAsJsonObject();
            ModelType inFile = ModelType.parse(o.get("rnn_type").getAsString());
            if (type != null && type != inFile) {
                throw new IllegalArgumentException("model: the file holds a " + inFile + " model, not " + type);
            }
            return TrainConfig.builder().model(inFile).emsize(o.get("ninp").getAsInt()).nhid(o.get("nhid").getAsInt())
                    .nlayers(o.get("nlayers").getAsInt()).dropout(o.get("dropout").getAsDouble())
                    .tied(o.get("tie_weights").getAsBoolean()).build();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new CheckpointException(name + ": unreadable config metadata (" + e.getMessage() + "): " + json, e);
        }
    }

    /** The architecture from the shapes alone, as a file saved by the reference without our metadata has it. */
    private static TrainConfig inferArchitecture(String name, Map<String, Safetensors.Tensor> tensors, ModelType type) {
        long[] embedding = firstShape(name, tensors, RnnLanguageModel.ENCODER_WEIGHT, RnnLanguageModel.DECODER_WEIGHT);
        Safetensors.Tensor hh = tensors.get("rnn.weight_hh_l0");
        if (hh == null || hh.shape().length != 2 || hh.shape()[1] < 1) {
            throw new CheckpointException(name + ": missing tensor rnn.weight_hh_l0 (not a state dict of the reference's RNNModel?)");
        }
        long nhid = hh.shape()[1];
        long gates = hh.shape()[0] / nhid;
        ModelType inferred = switch ((int) gates) {
            case 4 -> ModelType.LSTM;
            case 3 -> ModelType.GRU;
            case 1 -> {
                if (type != ModelType.RNN_TANH && type != ModelType.RNN_RELU) {
                    throw new IllegalArgumentException("model: " + name + " holds a plain RNN and does not say its "
                            + "nonlinearity: pass RNN_TANH or RNN_RELU");
                }
                yield type;
            }
            default -> throw new CheckpointException(name + ": rnn.weight_hh_l0 has shape " + Arrays.toString(hh.shape())
                    + ", which is no LSTM, GRU or RNN layer");
        };
        if (type != null && type != inferred) {
            throw new IllegalArgumentException("model: " + name + " holds a " + inferred + " model, not " + type);
        }
        int nlayers = 0;
        while (tensors.containsKey("rnn.weight_ih_l" + nlayers)) {
            nlayers++;
        }
        Safetensors.Tensor enc = tensors.get(RnnLanguageModel.ENCODER_WEIGHT);
        Safetensors.Tensor dec = tensors.get(RnnLanguageModel.DECODER_WEIGHT);
        // one of the two names alone is what save_model leaves of a shared tensor; equal values are a tied model too
        boolean tied = enc == null || dec == null || Arrays.equals(enc.values(), dec.values());
        return TrainConfig.builder().model(inferred).emsize((int) embedding[1]).nhid((int) nhid).nlayers(Math.max(1, nlayers))
                .tied(tied && embedding[1] == nhid).build();
    }

    private static Vocabulary vocabularyFromJson(String name, String json, int vocabSize) {
        List<String> words = new ArrayList<>();
        try {
            for (JsonElement w : JsonParser.parseString(json).getAsJsonArray()) {
                words.add(w.getAsString());
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new CheckpointException(name + ": the vocabulary metadata is not a JSON list of words: " + e.getMessage(), e);
        }
        if (words.size() != vocabSize) {
            throw new CheckpointException(name + ": the vocabulary metadata has " + words.size() + " words, the model "
                    + vocabSize);
        }
        try {
            return Vocabulary.of(words);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(name + ": " + e.getMessage(), e);
        }
    }
}
